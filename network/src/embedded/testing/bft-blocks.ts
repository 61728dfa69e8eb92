import { common } from '@hyperledger/fabric-protos';
import { CertificateAuthority } from '../../identity/certificate-authority';
import { MembershipServiceProvider } from '../../identity/msp';
import { SigningIdentity } from '../../identity/signing-identity';
import type { BlockSource } from '../audit/chain-verifier';
import { buildConfigEnvelope } from '../genesis';
import { MspRegistry } from '../msp-registry';
import {
  BlockMetadataIndex,
  blockHeaderBytes,
  blockHeaderHash,
  newBlock,
  setBlockMetadata,
} from '../protocol/block';
import { newNonce } from '../protocol/transaction-id';
import { TxValidationCode } from '../validation/validation-codes';

/** A SmartBFT consenter for tests: its id and a real ECDSA identity of its own ordering org. */
export interface TestConsenter {
  id: number;
  signer: SigningIdentity;
}

/**
 * SmartBFT blocks as Fabric v3 writes them, signed with real identities: consenter `n` is
 * `orderer<n>` of `Orderer<n>MSP`, each ordering org with its own CA.
 */
export class BftChainBuilder {
  readonly blocks: common.Block[] = [];
  private lastConfig = 0;

  private constructor(
    readonly consenters: TestConsenter[],
    readonly identities: MspRegistry,
  ) {}

  static async create(count: number): Promise<BftChainBuilder> {
    const consenters: TestConsenter[] = [];
    const msps = new Map<string, MembershipServiceProvider>();
    for (let id = 1; id <= count; id++) {
      const mspId = `Orderer${id}MSP`;
      const ca = await CertificateAuthority.create(
        { mspId, domain: `orderer${id}.example`, name: mspId },
        'ca',
      );
      const { certificatePem, privateKeyPem } = await ca.issue({
        commonName: `orderer${id}`,
        nodeOU: 'orderer',
      });
      consenters.push({ id, signer: SigningIdentity.fromPem(mspId, certificatePem, privateKeyPem) });
      msps.set(mspId, new MembershipServiceProvider(mspId, ca.certificatePem));
    }
    return new BftChainBuilder(consenters, new MspRegistry(msps));
  }

  consenter(id: number): TestConsenter {
    const consenter = this.consenters.find((c) => c.id === id);
    if (!consenter) throw new Error(`no test consenter ${id}`);
    return consenter;
  }

  /** Appends a config block putting consenters `ids` in force; block 0 is left unsigned, like configtxgen's. */
  config(ids: number[], signedBy: number[] = []): common.Block {
    const block = this.append([
      configEnvelope(
        ids.map((id) => this.consenter(id)),
        this.consenters[0]!.signer,
      ),
    ]);
    this.lastConfig = block.getHeader()!.getNumber();
    if (this.blocks.length > 1) this.sign(block, signedBy);
    return block;
  }

  /** Appends a block without transactions signed by consenters `signedBy`. */
  next(signedBy: number[]): common.Block {
    const block = this.append([]);
    this.sign(block, signedBy);
    return block;
  }

  /**
   * Replaces the block's signatures with BFT ones: identifier headers naming each consenter id,
   * signed by `keyOf(id)` (the consenter's own key unless a test says otherwise).
   */
  sign(block: common.Block, ids: number[], keyOf = (id: number) => this.consenter(id).signer): void {
    const ordererMetadata = new common.OrdererBlockMetadata();
    const lastConfig = new common.LastConfig();
    lastConfig.setIndex(this.lastConfig);
    ordererMetadata.setLastConfig(lastConfig);
    const value = ordererMetadata.serializeBinary();
    const metadata = new common.Metadata();
    metadata.setValue(value);
    metadata.setSignaturesList(
      ids.map((id) => {
        const identifier = new common.IdentifierHeader();
        identifier.setIdentifier(id);
        identifier.setNonce(newNonce());
        const identifierBytes = identifier.serializeBinary();
        const signature = new common.MetadataSignature();
        signature.setIdentifierHeader(identifierBytes);
        signature.setSignature(
          keyOf(id).sign(Buffer.concat([value, identifierBytes, blockHeaderBytes(block.getHeader()!)])),
        );
        return signature;
      }),
    );
    setBlockMetadata(block, BlockMetadataIndex.SIGNATURES, metadata.serializeBinary());
  }

  source(blocks = this.blocks): BlockSource {
    return { height: blocks.length, readBlock: async (n) => blocks[n] };
  }

  private append(envelopes: Uint8Array[]): common.Block {
    const previous = this.blocks.at(-1);
    const previousHash = previous ? blockHeaderHash(previous.getHeader()!) : Buffer.alloc(0);
    const block = newBlock(this.blocks.length, previousHash, envelopes);
    setBlockMetadata(
      block,
      BlockMetadataIndex.TRANSACTIONS_FILTER,
      Uint8Array.from(envelopes.map(() => TxValidationCode.VALID)),
    );
    this.blocks.push(block);
    return block;
  }
}

/** A CONFIG envelope whose config names the consenters in `Orderer` → `Orderers`, as Fabric v3's BFT channels do. */
function configEnvelope(consenters: TestConsenter[], creatorSigner: SigningIdentity): Uint8Array {
  const orderers = new common.Orderers();
  orderers.setConsenterMappingList(
    consenters.map(({ id, signer }) => {
      const consenter = new common.Consenter();
      consenter.setId(id);
      consenter.setHost(`orderer${id}.example`);
      consenter.setPort(7050);
      consenter.setMspId(signer.mspId);
      consenter.setIdentity(Buffer.from(signer.certificatePem));
      return consenter;
    }),
  );
  const orderersValue = new common.ConfigValue();
  orderersValue.setValue(orderers.serializeBinary());
  const ordererGroup = new common.ConfigGroup();
  ordererGroup.getValuesMap().set('Orderers', orderersValue);
  const channelGroup = new common.ConfigGroup();
  channelGroup.getGroupsMap().set('Orderer', ordererGroup);
  const config = new common.Config();
  config.setChannelGroup(channelGroup);
  const configEnvelope = new common.ConfigEnvelope();
  configEnvelope.setConfig(config);
  return buildConfigEnvelope('bft', configEnvelope.serializeBinary(), creatorSigner, new Date());
}
