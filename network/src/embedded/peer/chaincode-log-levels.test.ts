import { expect } from 'chai';
import { Writable } from 'node:stream';
import { chaincodeWinston, skipDisabledChaincodeLogLevels } from './chaincode-log-levels';

interface TestLogger {
  debug(message: string): void;
  warn(message: string): void;
}
interface Winston {
  createLogger(options: object): TestLogger;
  format: ((transform: (info: object) => object) => () => object) & {
    combine(...formats: object[]): object;
    printf(template: (info: { level: string; message: string }) => string): object;
  };
  transports: { Stream: new (options: object) => object };
}

describe('skipDisabledChaincodeLogLevels', () => {
  const winston = chaincodeWinston() as unknown as Winston;
  const { MESSAGE } = { MESSAGE: Symbol.for('message') };

  /** A logger whose format counts its runs and whose transport keeps what it is given. */
  function countingLogger(level: string, transportLevel?: string) {
    const formatted: string[] = [];
    const printed: string[] = [];
    const counting = winston.format((info) => {
      formatted.push((info as { message: string }).message);
      return info;
    });
    const sink = new Writable({
      objectMode: true,
      write(info: Record<symbol, string>, _encoding, done) {
        printed.push(info[MESSAGE]!);
        done();
      },
    });
    const logger = winston.createLogger({
      level,
      format: winston.format.combine(
        counting(),
        winston.format.printf(({ level: l, message }) => `${l}: ${message}`),
      ),
      transports: [
        new winston.transports.Stream({ stream: sink, ...(transportLevel ? { level: transportLevel } : {}) }),
      ],
    });
    return { logger, formatted, printed };
  }

  before(() => skipDisabledChaincodeLogLevels());

  it('does not format a message below the logger level, and prints the rest as before', async () => {
    const { logger, formatted, printed } = countingLogger('warn');
    logger.debug('not wanted');
    logger.warn('wanted');
    await new Promise((resolve) => setImmediate(resolve));
    expect(formatted).to.deep.equal(['wanted']);
    expect(printed).to.deep.equal(['warn: wanted']);
  });

  it('still formats what a transport with a lower level of its own prints', async () => {
    const { logger, formatted, printed } = countingLogger('warn', 'debug');
    logger.debug('for the debug transport');
    await new Promise((resolve) => setImmediate(resolve));
    expect(formatted).to.deep.equal(['for the debug transport']);
    expect(printed).to.deep.equal(['debug: for the debug transport']);
  });

  it('is installed once however often it is called', async () => {
    skipDisabledChaincodeLogLevels();
    const { logger, formatted } = countingLogger('debug');
    logger.debug('once');
    await new Promise((resolve) => setImmediate(resolve));
    expect(formatted).to.deep.equal(['once']);
  });
});
