import type { RequestHandler, Response } from 'express';
import { AuthenticationError } from '../errors/gateway-errors';
import type { Caller } from './caller';
import type { TokenVerifier } from './token-verifier';

/** Requires `Authorization: Bearer <JWT>` and puts the verified caller in `res.locals.caller`. */
export function authenticate(verify: TokenVerifier): RequestHandler {
  return (req, res, next) => {
    const header = req.headers.authorization;
    if (!header) {
      next(new AuthenticationError('MISSING_TOKEN', 'send Authorization: Bearer <token>'));
      return;
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      next(new AuthenticationError('INVALID_TOKEN', 'the Authorization header must be Bearer <token>'));
      return;
    }
    let verified: ReturnType<TokenVerifier>;
    try {
      verified = verify(match[1]!);
    } catch (error) {
      next(error);
      return;
    }
    if (verified instanceof Promise) {
      // Only a token under a provider key not yet cached waits, for the key set to be fetched.
      verified.then((caller) => {
        res.locals.caller = caller;
        next();
      }, next);
      return;
    }
    res.locals.caller = verified;
    next();
  };
}

export function callerOf(res: Response): Caller {
  const caller = res.locals.caller as Caller | undefined;
  if (!caller) throw new AuthenticationError('MISSING_TOKEN', 'send Authorization: Bearer <token>');
  return caller;
}
