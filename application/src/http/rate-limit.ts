/**
 * Hand-written rather than express-rate-limit, which is not a dependency (nor installed): this is
 * a token bucket (bursts, then a steady refill), where express-rate-limit counts fixed windows,
 * and a refusal goes to `next()` as a TooManyRequestsError, so the 429 body and Retry-After come
 * from the one error mapping like every other error; express-rate-limit answers the request
 * itself unless given a custom handler.
 */
import type { RequestHandler } from 'express';
import { TooManyRequestsError } from '../errors/gateway-errors';

interface Bucket {
  tokens: number;
  updated: number;
}

/**
 * A token bucket per client address: bursts up to a minute's allowance, refilled continuously.
 * In-memory and per process — behind several gateways, rate-limit at the load balancer too.
 */
export function rateLimit(perMinute: number, now: () => number = Date.now): RequestHandler {
  const buckets = new Map<string, Bucket>();
  const refillPerMs = perMinute / 60_000;
  let lastSweep = now();
  return (req, _res, next) => {
    if (perMinute === 0) {
      next();
      return;
    }
    const t = now();
    if (t - lastSweep > 60_000) {
      // Full buckets carry no information; dropping them keeps memory bounded by active clients.
      for (const [key, bucket] of buckets) {
        if (bucket.tokens + (t - bucket.updated) * refillPerMs >= perMinute) buckets.delete(key);
      }
      lastSweep = t;
    }
    const key = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const bucket = buckets.get(key) ?? { tokens: perMinute, updated: t };
    bucket.tokens = Math.min(perMinute, bucket.tokens + (t - bucket.updated) * refillPerMs);
    bucket.updated = t;
    buckets.set(key, bucket);
    if (bucket.tokens < 1) {
      const retryAfter = Math.ceil((1 - bucket.tokens) / refillPerMs / 1000);
      next(
        new TooManyRequestsError('RATE_LIMITED', `more than ${perMinute} requests per minute`, retryAfter),
      );
      return;
    }
    bucket.tokens -= 1;
    next();
  };
}
