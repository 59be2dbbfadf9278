// The GUI's build: a single-page app served by the control plane at /gui/
// (src/server/routes/gui.ts), written to dist/gui by scripts/build-gui.mjs.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/gui/',
  // Caches under the project's node_modules, not in gui/: the sources stay as the build left them.
  cacheDir: '../node_modules/.vite/gui',
  plugins: [react()],
  build: {
    outDir: '../dist/gui',
    emptyOutDir: true,
    // Kept to the size budget in docs/gui.md; heavy editors load on the pages that use them.
    chunkSizeWarningLimit: 600,
    reportCompressedSize: false,
  },
  server: {
    // `npx vite gui` while a control plane runs on the default port: every path
    // outside /gui/ is the API's, and is proxied to it.
    proxy: { '^/(?!gui(/|$))': { target: 'http://127.0.0.1:5681' } },
  },
});
