import type { LedgerBlock } from '../ledger/ledger-connector';

/** A chaincode event of a valid transaction, its JSON payload parsed. */
export interface ChaincodeEventOf {
  channel: string;
  chaincode: string;
  name: string;
  payload: Record<string, unknown>;
}

/** The chaincode events of a committed block (invalid transactions emit none). */
export function chaincodeEventsOf(block: LedgerBlock): ChaincodeEventOf[] {
  const events: ChaincodeEventOf[] = [];
  for (const tx of block.transactions) {
    if (!tx.event || tx.validationCode !== 'VALID') continue;
    try {
      const payload = JSON.parse(Buffer.from(tx.event.payload).toString('utf8')) as unknown;
      if (payload && typeof payload === 'object') {
        events.push({
          channel: block.channel,
          chaincode: tx.event.chaincode,
          name: tx.event.name,
          payload: payload as Record<string, unknown>,
        });
      }
    } catch {
      // Not JSON: no event the bridge follows.
    }
  }
  return events;
}
