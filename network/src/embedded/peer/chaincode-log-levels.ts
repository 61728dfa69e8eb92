import { createRequire } from 'node:module';

/** The part of winston's Logger the level check needs. */
interface WinstonLogger {
  isLevelEnabled(level: string): boolean;
  _transform(info: Record<string | symbol, unknown>, encoding: string, callback: () => void): void;
}

/** triple-beam's LEVEL symbol, under which winston keeps a message's level. */
const LEVEL = Symbol.for('level');
const GATED = Symbol.for('cityledger.winston-level-gate');

/**
 * The winston that fabric-shim and fabric-contract-api log through, found from fabric-shim so
 * that it is their copy (the Fabric client SDK brings its own, which this leaves alone).
 */
export function chaincodeWinston(): { Logger: { prototype: WinstonLogger } } {
  return createRequire(require.resolve('fabric-shim'))('winston') as { Logger: { prototype: WinstonLogger } };
}

/**
 * Makes the chaincode runtime's loggers drop a message below their level before formatting it.
 *
 * winston runs a logger's whole format for every message and lets the transport discard disabled
 * levels only afterwards (winstonjs/winston#2441, #1669). fabric-shim and fabric-contract-api
 * call `logger.debug` about twenty times per invocation, each one timestamped, colourised and
 * printf'd, so at the level a peer sets in production (warning) a fifth of an endorsement's CPU
 * went into formatting messages nobody sees. The check is winston's own `isLevelEnabled` (the
 * logger's level, or a transport's own lower one), so every message printed before is printed now.
 * Idempotent; the chaincode runtime calls it before running any chaincode.
 */
export function skipDisabledChaincodeLogLevels(): void {
  const prototype = chaincodeWinston().Logger.prototype as WinstonLogger & { [GATED]?: true };
  if (prototype[GATED]) return;
  const formatAndPush = prototype._transform;
  prototype._transform = function (this: WinstonLogger, info, encoding, callback) {
    const level = (info[LEVEL] ?? info.level) as string | undefined;
    if (level !== undefined && !this.isLevelEnabled(level)) return callback();
    formatAndPush.call(this, info, encoding, callback);
  };
  prototype[GATED] = true;
}
