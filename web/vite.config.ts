import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The console builds into dist/console, which the server serves at `/`.
export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [react()],
  resolve: { alias: { '@client': here('../src/client/index.ts') } },
  build: {
    outDir: here('../dist/console'),
    emptyOutDir: true,
    sourcemap: false,
    // The modulepreload polyfill would be an inline script, which the CSP forbids.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 800,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8000', '/v2': 'http://127.0.0.1:8000' } },
});
