import { Box, Skeleton } from '@mui/material'
import { useEffect, useState } from 'react'

/** The dark modules of a QR code as one SVG path (a rectangle for each run along a row), inside a quiet zone of four. */
function pathOf(size: number, dark: (row: number, col: number) => boolean): string {
  let d = ''
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size;) {
      if (!dark(r, c)) {
        c++
        continue
      }
      const from = c
      while (c < size && dark(r, c)) c++
      d += `M${from + 4} ${r + 4}h${c - from}v1h-${c - from}z`
    }
  }
  return d
}

/**
 * A QR code of `text`, drawn as SVG (dark on white in either theme, so that any camera reads it). The encoder
 * (npm `qrcode`) is loaded only when a code is shown, to keep it out of the console's first download.
 */
export function QrCode({ text, label, size = 200 }: { text: string; label: string; size?: number }) {
  const [drawn, setDrawn] = useState<{ text: string; width: number; d: string } | null>(null)
  useEffect(() => {
    let current = true
    void import('qrcode').then((qr) => {
      // a CommonJS module: its exports are `default` where the bundler or Node wraps it
      const { create } = qr.default ?? qr
      const { modules } = create(text, { errorCorrectionLevel: 'M' })
      if (current) setDrawn({ text, width: modules.size + 8, d: pathOf(modules.size, (r, c) => !!modules.get(r, c)) })
    })
    return () => {
      current = false
    }
  }, [text])
  if (!drawn || drawn.text !== text) return <Skeleton variant="rectangular" width={size} height={size} />
  return (
    <Box
      component="svg"
      role="img"
      aria-label={label}
      viewBox={`0 0 ${drawn.width} ${drawn.width}`}
      width={size}
      height={size}
      shapeRendering="crispEdges"
      sx={{ display: 'block', bgcolor: '#fff', borderRadius: 1 }}
    >
      <rect width={drawn.width} height={drawn.width} fill="#fff" />
      <path d={drawn.d} fill="#000" />
    </Box>
  )
}
