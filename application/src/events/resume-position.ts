import { InvalidInputError } from '../errors/gateway-errors';

/**
 * Where an event stream starts. Event ids are `<block>` for a block commit (sent after the
 * block's chaincode events) and `<block>:<txIndex>` for a chaincode event, so a reconnecting
 * client's `Last-Event-ID` says exactly what it has already seen.
 */
export interface ResumePosition {
  /** First block to deliver; undefined = only blocks committed from now on. */
  fromBlock?: number;
  /** In `fromBlock`, chaincode events of transactions up to this index were already delivered. */
  skipThroughTx?: number;
}

export function resumePositionOf(
  lastEventId: string | undefined,
  fromBlock: number | undefined,
): ResumePosition {
  // A browser's EventSource reconnects to the same URL with Last-Event-ID: that must win over ?fromBlock.
  if (lastEventId !== undefined && lastEventId.trim() !== '') {
    const match = /^(\d{1,15})(?::(\d{1,9}))?$/.exec(lastEventId.trim());
    if (!match) {
      throw new InvalidInputError(
        'Last-Event-ID',
        'must be an event id of this stream, <block> or <block>:<tx>',
      );
    }
    const block = Number(match[1]);
    return match[2] === undefined
      ? { fromBlock: block + 1 }
      : { fromBlock: block, skipThroughTx: Number(match[2]) };
  }
  return fromBlock === undefined ? {} : { fromBlock };
}
