import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../observability/logger';
import type { GatewayMetrics } from '../observability/gateway-metrics';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * One structured log line and one metrics sample per request, labelled with the route template
 * (`/api/v1/channels/{channel}/devices`), never the raw path, so that metrics stay bounded.
 *
 * @param anonymousPaths path prefixes whose requests always get a generated request id: a
 *   client-chosen `X-Request-Id` there would tag an anonymous request (a ballot) in the logs.
 */
export function requestLogging(
  logger: Logger,
  metrics: GatewayMetrics,
  anonymousPaths: readonly string[] = [],
): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const anonymous = anonymousPaths.some((prefix) => req.path.startsWith(prefix));
    const incoming = anonymous ? undefined : req.header('X-Request-Id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    res.on('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route =
        (res.locals.route as string | undefined) ?? (req.route ? String(req.route.path) : 'unmatched');
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      metrics.httpDuration.observe({ method: req.method, route }, seconds);
      const caller = res.locals.caller as { userId: string; mspId: string } | undefined;
      logger.info('request', {
        requestId,
        method: req.method,
        path: req.originalUrl.split('?')[0],
        route,
        status: res.statusCode,
        durationMs: Math.round(seconds * 1e4) / 10,
        ...(caller ? { user: caller.userId, org: caller.mspId } : {}),
        ...(res.locals.errorCode ? { error: res.locals.errorCode } : {}),
      });
    });
    next();
  };
}
