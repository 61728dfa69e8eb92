import type { common } from '@hyperledger/fabric-protos';
import { blockHeaderHash, newBlock } from '../protocol/block';
import type { Signer } from '../protocol/signer';
import { type BatchSize, BlockCutter } from './block-cutter';
import { signBlock } from './block-signature';

interface ChannelChain {
  cutter: BlockCutter;
  nextNumber: number;
  previousHash: Uint8Array;
}

/**
 * A single-node ordering service (the embedded stand-in for a Raft cluster): totally orders the
 * envelopes of each channel, cuts them into hash-chained blocks, signs them and hands each block
 * to the channel's committer in order.
 */
export class OrderingService {
  private readonly chains = new Map<string, ChannelChain>();

  constructor(
    private readonly orderer: Signer,
    private readonly batchSize: BatchSize,
  ) {}

  /** Starts ordering a channel after the block its ledger already holds. */
  addChannel(
    channel: string,
    height: number,
    previousHash: Uint8Array,
    deliver: (block: common.Block) => void,
  ): void {
    const chain: ChannelChain = {
      nextNumber: height,
      previousHash,
      cutter: new BlockCutter(this.batchSize, (envelopes) => deliver(this.assemble(chain, envelopes))),
    };
    this.chains.set(channel, chain);
  }

  /** Orders one block made of exactly these envelopes (the genesis block). */
  orderNow(channel: string, envelopes: Uint8Array[]): common.Block {
    return this.assemble(this.chain(channel), envelopes);
  }

  broadcast(channel: string, envelope: Uint8Array): void {
    this.chain(channel).cutter.enqueue(envelope);
  }

  private chain(channel: string): ChannelChain {
    const chain = this.chains.get(channel);
    if (!chain) throw new Error(`channel ${channel} is not served by the ordering service`);
    return chain;
  }

  private assemble(chain: ChannelChain, envelopes: Uint8Array[]): common.Block {
    const block = newBlock(chain.nextNumber, chain.previousHash, envelopes);
    signBlock(block, this.orderer);
    chain.nextNumber += 1;
    chain.previousHash = blockHeaderHash(block.getHeader()!);
    return block;
  }

  stop(): void {
    for (const chain of this.chains.values()) chain.cutter.stop();
  }
}
