import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { type Router } from 'express';

/** Where `npm run build -w application/dashboard` puts the page (application/dashboard/dist). */
export const DASHBOARD_DIST = resolve(__dirname, '..', '..', 'dashboard', 'dist');

/**
 * The page may talk only to the gateway that served it: no CDN, no map tiles, no third party.
 * Inline styles are allowed only as CSSOM writes by the page's own script (bar widths).
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the built city dashboard at `/`: `index.html` (revalidated on every load, so a new
 * build is picked up at once) and the content-hashed files under `/assets/` (cached for a year,
 * immutable). No directory listings, no fallback to index.html for unknown paths: anything else
 * falls through to the gateway's own 404.
 *
 * @example
 * ```ts
 * const app = express();
 * app.use(createDashboardRouter()); // before the gateway's catch-all 404
 * ```
 */
export function createDashboardRouter(options: { distDir?: string } = {}): Router {
  const distDir = options.distDir ?? DASHBOARD_DIST;
  const indexFile = join(distDir, 'index.html');
  const router = express.Router();

  const sendIndex: express.RequestHandler = (_req, res) => {
    if (!existsSync(indexFile)) {
      res
        .status(503)
        .type('text/plain')
        .send(
          'The dashboard is not built. Run `npm run build` (or `npm run build -w application/dashboard`).\n',
        );
      return;
    }
    res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexFile);
  };
  router.get(['/', '/index.html'], sendIndex);

  router.use(
    '/assets',
    express.static(join(distDir, 'assets'), {
      index: false,
      redirect: false,
      dotfiles: 'ignore',
      fallthrough: true,
      immutable: true,
      maxAge: '365d',
      setHeaders: (res) => res.setHeader('X-Content-Type-Options', 'nosniff'),
    }),
  );
  return router;
}
