import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  resolve: {
    // a polyfill of what every supported browser has (src/i18n/objectEntries.cjs says why)
    alias: [{ find: /^object\.entries$/, replacement: `${import.meta.dirname}/src/i18n/objectEntries.cjs` }],
  },
  server: { proxy: { '/api': 'http://localhost:8787' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    // dist/.vite/manifest.json: which chunks each entry and lazy page needs (the bench's consoleDownload reads it)
    manifest: true,
    rolldownOptions: {
      output: {
        // Every module the entry imports statically is downloaded before anything shows, so it is one chunk rather than
        // the dozen small ones Rolldown would share with lazy pages: one request, and gzip sees it all at once (some 7 kB
        // less). Lazy pages import what they share with it from that chunk, already loaded.
        codeSplitting: { groups: [{ name: 'console', tags: ['$initial'] }] },
      },
    },
  },
})
