import { defineConfig } from 'vite';

// Built into dist/ and served by the gateway at `/` (application/src/dashboard-host). Relative
// asset URLs keep the page working wherever the gateway mounts it; no CDN, no external requests.
export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsDir: 'assets',
    sourcemap: false,
    // @cityledger/client and @cityledger/proofs are workspace packages compiled to CommonJS,
    // linked rather than installed under node_modules, so their output is named here for the
    // CommonJS conversion.
    commonjsOptions: { include: [/node_modules/, /packages\/(client|proofs)\/dist/] },
  },
  optimizeDeps: { include: ['@cityledger/client', '@cityledger/proofs'] },
  server: {
    // `npm run dev -w application/dashboard` against a gateway started with `npm start`.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
