import { Router } from 'express';
import type { LedgerConnector } from '../ledger/ledger-connector';
import type { GatewayMetrics } from '../observability/gateway-metrics';
import { DOCS_PAGE_CSP, DOCS_PAGE_HTML } from '../openapi/docs-page';

/** Unauthenticated routes for operators and tools: health, readiness, metrics, API description. */
export function operationsRoutes(deps: {
  ledger: LedgerConnector;
  metrics: GatewayMetrics;
  openApiDocument: () => unknown;
}): Router {
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', (_req, res) => {
    const readiness = deps.ledger.readiness();
    res
      .status(readiness.ready ? 200 : 503)
      .json({ status: readiness.ready ? 'ready' : 'not ready', ...readiness });
  });

  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
  });

  router.get('/openapi.json', (_req, res) => {
    res.json(deps.openApiDocument());
  });

  router.get('/docs', (_req, res) => {
    res.setHeader('Content-Security-Policy', DOCS_PAGE_CSP);
    res.type('html').send(DOCS_PAGE_HTML);
  });

  return router;
}
