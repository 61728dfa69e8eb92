import type { Response } from 'express';
import { eventPayloadOf } from '@cityledger/network';
import type { LedgerBlock, LedgerConnector } from '../ledger/ledger-connector';
import type { ResumePosition } from './resume-position';

export interface EventFilter {
  chaincode?: string;
  event?: string;
}

/** Server-sent events frames (`id`, `event`, `data`) for one committed block. */
export function framesOf(block: LedgerBlock, filter: EventFilter, position: ResumePosition): string[] {
  const frames: string[] = [];
  for (const tx of block.transactions) {
    if (!tx.event) continue;
    if (
      block.blockNumber === position.fromBlock &&
      position.skipThroughTx !== undefined &&
      tx.txIndex <= position.skipThroughTx
    ) {
      continue;
    }
    if (filter.chaincode && tx.event.chaincode !== filter.chaincode) continue;
    if (filter.event && tx.event.name !== filter.event) continue;
    const data = {
      channel: block.channel,
      blockNumber: block.blockNumber,
      txIndex: tx.txIndex,
      txId: tx.txId,
      chaincode: tx.event.chaincode,
      event: tx.event.name,
      payload: eventPayloadOf(tx.event.payload),
    };
    frames.push(
      `id: ${block.blockNumber}:${tx.txIndex}\nevent: chaincode\ndata: ${JSON.stringify(data)}\n\n`,
    );
  }
  const commit = {
    channel: block.channel,
    blockNumber: block.blockNumber,
    transactions: block.transactions.map(({ txIndex, txId, validationCode, chaincode }) => ({
      txIndex,
      txId,
      validationCode,
      ...(chaincode ? { chaincode } : {}),
    })),
  };
  frames.push(`id: ${block.blockNumber}\nevent: block\ndata: ${JSON.stringify(commit)}\n\n`);
  return frames;
}

/**
 * The open event streams of a gateway, so that shutdown can end them (an open stream would
 * otherwise keep the HTTP server from closing).
 */
export class EventStreams {
  private readonly open = new Set<() => void>();

  constructor(
    private readonly ledger: LedgerConnector,
    private readonly keepAliveMs: number,
    private readonly onCountChange: (channel: string, delta: number) => void = () => {},
  ) {}

  /** Streams `channel` into `res` until the client goes away or the gateway shuts down. */
  stream(res: Response, channel: string, position: ResumePosition, filter: EventFilter): void {
    const unsubscribe = this.ledger.subscribe(
      channel,
      (block) => {
        for (const frame of framesOf(block, filter, position)) res.write(frame);
      },
      position.fromBlock === undefined ? {} : { fromBlock: position.fromBlock },
    );
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write('retry: 2000\n\n');
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), this.keepAliveMs);
    this.onCountChange(channel, 1);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(keepAlive);
      unsubscribe();
      this.open.delete(end);
      this.onCountChange(channel, -1);
      res.end();
    };
    this.open.add(end);
    res.on('close', end);
  }

  closeAll(): void {
    for (const end of [...this.open]) end();
  }
}
