/**
 * Hand-written rather than pino: pino is not a dependency of this package (nor installed), and
 * the gateway needs only this file: one JSON line per entry with `time`, `level`, `msg` and the
 * caller's fields, written to an injectable sink. pino would earn its place with child loggers,
 * redaction or asynchronous transports, none of which is used; and its default line (numeric
 * levels, epoch-millisecond `time`) differs from the format docs/operations.md documents.
 */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/**
 * Structured logs: one JSON object per line (`time`, `level`, `msg`, then the fields), so that
 * any log shipper can index them without parsing free text.
 */
export function createJsonLogger(
  level: LogLevel,
  write: (line: string) => void = (line) => process.stdout.write(line),
): Logger {
  const log =
    (at: Exclude<LogLevel, 'silent'>) =>
    (message: string, fields: LogFields = {}) => {
      if (SEVERITY[at] < SEVERITY[level]) return;
      write(`${JSON.stringify({ time: new Date().toISOString(), level: at, msg: message, ...fields })}\n`);
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
