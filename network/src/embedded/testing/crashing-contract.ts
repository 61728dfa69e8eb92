import { isMainThread } from 'node:worker_threads';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';

/**
 * A contract whose `Crash` transaction ends the chaincode runtime it runs in, for the tests of
 * chaincode workers. It exits rather than throws: fabric-shim's logger catches uncaught
 * exceptions (winston `handleExceptions`, `exitOnError: false`), so a throw would not end it.
 */
@Info({ title: 'CrashingContract', description: 'Test contract that crashes its chaincode runtime' })
export class CrashingContract extends Contract {
  constructor() {
    super('crashing');
  }

  @Transaction(false)
  @Returns('string')
  async Ping(_ctx: Context): Promise<string> {
    return 'pong';
  }

  /** Never returns and holds its thread: only an execute timeout ends it. */
  @Transaction()
  async Hang(_ctx: Context): Promise<void> {
    if (isMainThread) throw new Error('Hang runs only in a chaincode worker, never on the main thread');
    for (;;);
  }

  @Transaction()
  async Crash(_ctx: Context): Promise<void> {
    if (isMainThread) throw new Error('Crash runs only in a chaincode worker, never on the main thread');
    process.exit(70);
  }
}

export const crashingContracts = [CrashingContract];
