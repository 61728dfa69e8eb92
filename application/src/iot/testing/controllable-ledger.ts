import type { Caller } from '../../auth/caller';
import { LedgerUnavailableError } from '../../errors/gateway-errors';
import type {
  ChaincodeCall,
  CommittedTransaction,
  LedgerBlock,
  LedgerConnector,
} from '../../ledger/ledger-connector';

/**
 * A ledger connector that passes everything through, except that the bridge's landing
 * transactions (`AnchorBatch`, `SubmitMeterReadings`) can be made to fail like a real outage, or
 * to commit and then lose the answer (the gateway crashing between commit and bookkeeping).
 */
export class ControllableLedger implements LedgerConnector {
  /** `outage`: landings fail before reaching the ledger. */
  outage = false;
  /** Landings that commit on the ledger but whose answer is lost (counts down). */
  loseAnswers = 0;
  readonly landings: Array<{
    call: ChaincodeCall;
    outcome: 'committed' | 'answer-lost' | 'outage' | 'refused';
  }> = [];

  constructor(private readonly inner: LedgerConnector) {}

  private static isLanding(call: ChaincodeCall): boolean {
    return call.function === 'AnchorBatch' || call.function === 'SubmitMeterReadings';
  }

  async submit(caller: Caller, call: ChaincodeCall): Promise<CommittedTransaction> {
    if (!ControllableLedger.isLanding(call)) return this.inner.submit(caller, call);
    if (this.outage) {
      this.landings.push({ call, outcome: 'outage' });
      throw new LedgerUnavailableError('simulated outage: the ordering service cannot be reached');
    }
    let committed: CommittedTransaction;
    try {
      committed = await this.inner.submit(caller, call);
    } catch (error) {
      this.landings.push({ call, outcome: 'refused' });
      throw error;
    }
    if (this.loseAnswers > 0) {
      this.loseAnswers -= 1;
      this.landings.push({ call, outcome: 'answer-lost' });
      throw new LedgerUnavailableError('simulated: the connection dropped before the commit status arrived');
    }
    this.landings.push({ call, outcome: 'committed' });
    return committed;
  }

  clientIdentityId(mspId: string, userId: string) {
    return this.inner.clientIdentityId(mspId, userId);
  }
  evaluate(caller: Caller, call: ChaincodeCall) {
    return this.inner.evaluate(caller, call);
  }
  subscribe(channel: string, listener: (block: LedgerBlock) => void, options?: { fromBlock?: number }) {
    return this.inner.subscribe(channel, listener, options);
  }
  block(channel: string, blockNumber: number) {
    return this.inner.block(channel, blockNumber);
  }
  transaction(channel: string, txId: string) {
    return this.inner.transaction(channel, txId);
  }
  history(channel: string, chaincode: string, key: string) {
    return this.inner.history(channel, chaincode, key);
  }
  verify(channel: string, options?: { signer?: string }) {
    return this.inner.verify(channel, options);
  }
  height(channel: string) {
    return this.inner.height(channel);
  }
  chaincodes(channel: string) {
    return this.inner.chaincodes(channel);
  }
  readiness() {
    return this.inner.readiness();
  }
  close() {
    return this.inner.close();
  }
}
