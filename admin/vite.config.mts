import react from '@vitejs/plugin-react-swc';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The admin console: built by `npm run build` into dist/admin, which the API serves at /admin;
 * `npm run admin:dev` serves it with hot reload and proxies /graphql (HTTP and WebSocket) to a
 * running API (HEARTH_API_URL, default http://localhost:4000), so the browser sees one origin
 * in development as in production. (A build tool's setting, not the server's: server/env.ts
 * stays the only reader of the server's environment.)
 */
const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env.HEARTH_API_URL ?? 'http://localhost:4000';

export default defineConfig({
  root,
  base: '/admin/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/admin', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Hashed file names under assets/: the API serves them as immutable.
    assetsDir: 'assets',
  },
  server: {
    proxy: { '/graphql': { target: api, ws: true, changeOrigin: true } },
    // The typed client lives outside admin/ (client/, and the generated documents).
    fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] },
  },
});
