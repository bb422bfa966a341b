import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** This folder, whatever the working directory the build is started from. */
const webRoot = decodeURIComponent(new URL('.', import.meta.url).pathname);

/** The API server during development (`quarry serve` listens here by default). */
const apiServer = 'http://127.0.0.1:8787';

/** Third-party code in a few chunks that change less often than the app (better caching). */
const VENDOR_CHUNKS: ReadonlyArray<readonly [chunk: string, pattern: RegExp]> = [
  ['react', /\/node_modules\/(react|react-dom|scheduler)\//],
  ['ai-sdk', /\/node_modules\/(ai|@ai-sdk|zod|@standard-schema|@opentelemetry|eventsource-parser)\//],
  ['vendor', /\/node_modules\//],
];

function vendorChunk(moduleId: string): string | undefined {
  return VENDOR_CHUNKS.find(([, pattern]) => pattern.test(moduleId))?.[0];
}

/** Vite config for the Quarry single-page app: built into `web/dist/`, served by the API at `/`. */
export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The server's CSP allows `img-src data:` but nothing inline for scripts or styles.
    assetsInlineLimit: 0,
    rollupOptions: { output: { manualChunks: vendorChunk } },
  },
  server: {
    proxy: {
      '/api': apiServer,
      '/v1': apiServer,
      '/code_generation': apiServer,
    },
  },
});
