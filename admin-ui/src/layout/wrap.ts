/** A chip whose label wraps on a narrow screen instead of running off it (MUI keeps a chip's label on one line). */
export const WRAPPING_CHIP = {
  height: 'auto',
  minHeight: 24,
  maxWidth: '100%',
  '& .MuiChip-label': { whiteSpace: 'normal', py: 0.25 },
} as const
