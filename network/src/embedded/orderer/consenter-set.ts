import { common } from '@hyperledger/fabric-protos';
import { BlockMetadataIndex, blockEnvelopes, getBlockMetadata } from '../protocol/block';

/** A SmartBFT consenter as the channel config names it; its id is what BFT block signatures carry. */
export interface Consenter {
  id: number;
  mspId: string;
  /** PEM bytes of the consenter's enrolment certificate. */
  identity: Uint8Array;
}

/**
 * The quorum SmartBFT needs of `n` consenters: with f = ⌊(n−1)/3⌋ faulty ones tolerated,
 * ⌈(n+f+1)/2⌉ signatures (3 of 4, 5 of 7).
 */
export function bftQuorum(n: number): number {
  const f = Math.floor((n - 1) / 3);
  return Math.ceil((n + f + 1) / 2);
}

/**
 * The consenter set a config block puts in force: `Orderer` group → `Orderers` value. Empty for a
 * config without one (Raft, the embedded network); `undefined` when the block is no config block.
 */
export function consentersOfConfigBlock(block: common.Block): Consenter[] | undefined {
  const [envelope, ...others] = blockEnvelopes(block);
  if (!envelope || others.length > 0) return undefined;
  let config: common.Config | undefined;
  try {
    const payload = common.Payload.deserializeBinary(
      common.Envelope.deserializeBinary(envelope).getPayload_asU8(),
    );
    const channelHeader = common.ChannelHeader.deserializeBinary(
      payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(0),
    );
    if (channelHeader.getType() !== common.HeaderType.CONFIG) return undefined;
    config = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig();
  } catch {
    return undefined;
  }
  const orderers = config?.getChannelGroup()?.getGroupsMap().get('Orderer')?.getValuesMap().get('Orderers');
  if (!orderers) return [];
  return common.Orderers.deserializeBinary(orderers.getValue_asU8())
    .getConsenterMappingList()
    .map((consenter) => ({
      id: consenter.getId(),
      mspId: consenter.getMspId(),
      identity: consenter.getIdentity_asU8(),
    }));
}

/**
 * The number of the last config block before `block`, as the orderer recorded it in the block's
 * signature metadata (Fabric v2+) or, in older blocks, the LAST_CONFIG metadata; `undefined` when
 * the block records neither, as the embedded network's blocks do.
 */
export function lastConfigIndex(block: common.Block): number | undefined {
  try {
    const signatures = getBlockMetadata(block, BlockMetadataIndex.SIGNATURES);
    const value = common.Metadata.deserializeBinary(signatures).getValue_asU8();
    const lastConfig =
      value.length > 0 ? common.OrdererBlockMetadata.deserializeBinary(value).getLastConfig() : undefined;
    if (lastConfig) return lastConfig.getIndex();
    const legacy = common.Metadata.deserializeBinary(getBlockMetadata(block, BlockMetadataIndex.LAST_CONFIG));
    return legacy.getValue_asU8().length > 0
      ? common.LastConfig.deserializeBinary(legacy.getValue_asU8()).getIndex()
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The consenter set that signed `block`: the one of the last config block before it. A config block
 * is signed by the set in force before it, so for one the previous block's last config counts.
 */
export async function consentersSigning(
  block: common.Block,
  readBlock: (blockNumber: number) => Promise<common.Block | undefined>,
): Promise<Consenter[]> {
  const number = block.getHeader()!.getNumber();
  let configNumber = lastConfigIndex(block);
  if (configNumber === number && number > 0) {
    const previous = await readBlock(number - 1);
    configNumber = previous ? lastConfigIndex(previous) : undefined;
  }
  if (configNumber === undefined || configNumber >= number) return [];
  const config = await readBlock(configNumber);
  return (config && consentersOfConfigBlock(config)) ?? [];
}
