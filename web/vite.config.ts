import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is one static bundle served by `rolebridge serve` at `/` under a strict CSP: no inline scripts,
// so no inlined module-preload polyfill and no inlined assets in index.html.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 400,
  },
  server: {
    // `npx vite web` during development: the API is a running `rolebridge dev`.
    proxy: { '/api': 'http://127.0.0.1:8080', '/auth': 'http://127.0.0.1:8080', '/t': 'http://127.0.0.1:8080' },
  },
});
