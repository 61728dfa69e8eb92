import { isWellFormedText as wellFormed } from '@cityledger/chaincode-common';
import type { RequestHandler } from 'express';
import { InvalidInputError } from '../errors/gateway-errors';

/** Deeper than any request the API defines; deep enough to refuse before anything recurses. */
export const MAX_JSON_DEPTH = 32;

/**
 * Refuses JSON bodies that parse but cannot be handled faithfully: nesting deep enough to exhaust
 * a recursive validator, and strings with lone UTF-16 surrogates, which UTF-8 cannot carry — they
 * would silently reach the ledger as U+FFFD. Walks iteratively, so a hostile body cannot
 * overflow the stack here either.
 */
export function checkJsonBodyShape(maxDepth = MAX_JSON_DEPTH): RequestHandler {
  return (req, _res, next) => {
    const problem = findProblem(req.body, maxDepth);
    next(problem ? new InvalidInputError(problem.field, problem.message) : undefined);
  };
}

function findProblem(body: unknown, maxDepth: number): { field: string; message: string } | undefined {
  const pending: Array<{ value: unknown; path: string; depth: number }> = [
    { value: body, path: '', depth: 0 },
  ];
  while (pending.length > 0) {
    const { value, path, depth } = pending.pop()!;
    if (typeof value === 'string') {
      if (!wellFormed(value)) return { field: path || 'body', message: 'contains a lone UTF-16 surrogate' };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= maxDepth)
      return { field: path || 'body', message: `is nested deeper than ${maxDepth} levels` };
    for (const [key, child] of Object.entries(value)) {
      const childPath = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (!wellFormed(key))
        return { field: path || 'body', message: 'has a key with a lone UTF-16 surrogate' };
      pending.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return undefined;
}
