import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { expect } from 'chai';
import {
  ConflictError,
  InvalidInputError,
  LedgerFailureError,
  LedgerUnavailableError,
} from '../errors/gateway-errors';
import { DurableRecordStore } from '../idempotency/durable-records';
import type { LedgerConnector, TransactionRecord } from '../ledger/ledger-connector';
import { type TransactionStatus, TransactionStatusBook } from './transaction-status';

const txId = (n: number) => String(n).padStart(64, '0');

/** Only what the book asks of a ledger: committed transactions by id. */
function ledgerHolding(
  records: Array<Pick<TransactionRecord, 'txId' | 'blockNumber' | 'validationCodeName'>>,
) {
  return {
    transaction: async (_channel: string, id: string) =>
      records.find((r) => r.txId === id) as TransactionRecord | undefined,
  } as unknown as LedgerConnector;
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('transaction status book', () => {
  let directory: string;
  let durable: DurableRecordStore;
  let clock: number;
  const HOUR = 60 * 60 * 1000;

  const bookOver = (ledger: LedgerConnector) =>
    new TransactionStatusBook(durable.records<TransactionStatus>('transaction-status'), ledger);
  const settled = async (book: TransactionStatusBook, id: string) => {
    for (let i = 0; i < 100; i++) {
      const status = await book.statusOf('civic', id);
      if (status?.status !== 'pending') return status;
      await tick();
    }
    throw new Error('still pending');
  };

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'cityledger-tx-status-'));
    clock = Date.UTC(2026, 0, 1);
    durable = new DurableRecordStore(directory, { retentionMs: 24 * HOUR, now: () => clock });
  });
  afterEach(async () => {
    await durable.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('is pending until the commit, then committed with the block, also after a reopen', async () => {
    const book = bookOver(ledgerHolding([]));
    const commit = deferred<{ txId: string; blockNumber: number }>();
    const recorded = book.follow('civic', txId(1), commit.promise);
    expect(await book.statusOf('civic', txId(1))).to.deep.equal({
      txId: txId(1),
      channel: 'civic',
      status: 'pending',
    });
    commit.resolve({ txId: txId(1), blockNumber: 7 });
    const committed = {
      txId: txId(1),
      channel: 'civic',
      status: 'committed',
      blockNumber: 7,
      validationCode: 'VALID',
    };
    expect(await settled(book, txId(1))).to.deep.equal(committed);
    await recorded;
    await durable.close();
    expect(await bookOver(ledgerHolding([])).statusOf('civic', txId(1))).to.deep.equal(committed);
  });

  it('names the transaction that committed in its place after a read conflict', async () => {
    const book = bookOver(ledgerHolding([]));
    book.follow('civic', txId(2), Promise.resolve({ txId: txId(3), blockNumber: 9 }));
    expect(await settled(book, txId(2))).to.include({
      status: 'committed',
      blockNumber: 9,
      committedTxId: txId(3),
    });
  });

  it('says invalid with the validation code, or with the chaincode refusal, and unknown when the ledger was lost', async () => {
    const book = bookOver(ledgerHolding([]));
    book.follow(
      'civic',
      txId(4),
      Promise.reject(new ConflictError('kept conflicting', 'MVCC_READ_CONFLICT')),
    );
    book.follow('civic', txId(5), Promise.reject(new LedgerFailureError('ENDORSEMENT_POLICY_FAILURE', 'no')));
    book.follow('civic', txId(6), Promise.reject(new InvalidInputError('amountCents', 'must be positive')));
    book.follow(
      'civic',
      txId(7),
      Promise.reject(new LedgerUnavailableError('orderer gone', 'ORDERING_FAILED')),
    );
    expect(await settled(book, txId(4))).to.include({
      status: 'invalid',
      validationCode: 'MVCC_READ_CONFLICT',
    });
    expect(await settled(book, txId(5))).to.include({
      status: 'invalid',
      validationCode: 'ENDORSEMENT_POLICY_FAILURE',
    });
    const refused = await settled(book, txId(6));
    expect(refused).to.include({ status: 'invalid' });
    expect(refused).to.not.have.property('validationCode');
    expect(refused?.error?.code).to.equal('INVALID_ARGUMENT');
    expect(await settled(book, txId(7))).to.include({ status: 'unknown' });
  });

  it('asks the ledger about transactions it did not follow, or no longer remembers', async () => {
    const ledger = ledgerHolding([
      { txId: txId(8), blockNumber: 3, validationCodeName: 'VALID' },
      { txId: txId(9), blockNumber: 4, validationCodeName: 'MVCC_READ_CONFLICT' },
    ]);
    const book = bookOver(ledger);
    expect(await book.statusOf('civic', txId(8))).to.include({ status: 'committed', blockNumber: 3 });
    expect(await book.statusOf('civic', txId(9))).to.include({
      status: 'invalid',
      validationCode: 'MVCC_READ_CONFLICT',
    });
    expect(await book.statusOf('civic', txId(10))).to.equal(undefined);

    await book.follow('civic', txId(11), Promise.resolve({ txId: txId(11), blockNumber: 5 }));
    expect(await book.statusOf('civic', txId(11))).to.include({ status: 'committed' });
    clock += 24 * HOUR;
    expect(await book.statusOf('civic', txId(11))).to.equal(undefined);
  });
});
