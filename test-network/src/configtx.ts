import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Consortium, CryptoMaterial } from '@cityledger/network';
import { stringify } from 'yaml';
import { nodeCryptoDir } from './node-config';
import { type NetworkLayout, type OrdererLayout, endpointOf } from './network-layout';

type Policy = { Type: 'Signature' | 'ImplicitMeta'; Rule: string };
const signature = (rule: string): Policy => ({ Type: 'Signature', Rule: rule });
const implicitMeta = (rule: string): Policy => ({ Type: 'ImplicitMeta', Rule: rule });

/** Raft on Fabric v2.5, or SmartBFT on v3 (each member's orderer a consenter). */
export type Consensus = 'etcdraft' | 'BFT';

/**
 * Builds configtx.yaml from the consortium: one profile per channel (named after it) with Raft or
 * SmartBFT ordering by every orderer, the channel's member orgs with their anchor peers, and the
 * application policies chaincode definitions refer to (`MAJORITY Endorsement` means the channel's
 * `/Channel/Application/Endorsement`).
 */
export function buildConfigtx(
  consortium: Consortium,
  crypto: CryptoMaterial,
  layout: NetworkLayout,
  consensus: Consensus = 'etcdraft',
): object {
  const definition = consortium.definition;
  const organizations = new Map(
    definition.organizations.map((org) => {
      const id = org.mspId;
      const orgCrypto = crypto.organization(id);
      const anchorPeers = layout.peers
        .filter((peer) => peer.mspId === id)
        .map((peer) => ({ Host: peer.dialHost, Port: peer.port }));
      const ordererEndpoints = layout.orderers.filter((o) => o.mspId === id).map(endpointOf);
      return [
        id,
        {
          Name: id,
          ID: id,
          MSPDir: join(orgCrypto.directory, 'msp'),
          Policies: {
            Readers: signature(`OR('${id}.admin', '${id}.peer', '${id}.client', '${id}.orderer')`),
            Writers: signature(`OR('${id}.admin', '${id}.client', '${id}.orderer')`),
            Admins: signature(`OR('${id}.admin')`),
            Endorsement: signature(`OR('${id}.peer')`),
          },
          ...(ordererEndpoints.length > 0 ? { OrdererEndpoints: ordererEndpoints } : {}),
          ...(anchorPeers.length > 0 ? { AnchorPeers: anchorPeers } : {}),
        },
      ];
    }),
  );
  const ordererOrgs = [...new Set(layout.orderers.map((o) => o.mspId))].map((id) => organizations.get(id)!);
  const capabilities = {
    // SmartBFT needs the v3 channel capability; Raft keeps v2 so that v2.5 peers and orderers run it.
    channel: consensus === 'BFT' ? { V3_0: true } : { V2_0: true },
    orderer: { V2_0: true },
    application: { V2_5: true },
  };
  const ordering = definition.ordering;
  const tlsCertOf = (node: OrdererLayout) =>
    join(nodeCryptoDir(crypto.organization(node.mspId), node), 'tls', 'server.crt');
  const orderer = {
    OrdererType: consensus,
    BatchTimeout: `${ordering.batchTimeoutMs}ms`,
    BatchSize: {
      MaxMessageCount: ordering.maxMessageCount,
      AbsoluteMaxBytes: ordering.absoluteMaxBytes,
      PreferredMaxBytes: ordering.preferredMaxBytes,
    },
    ...(consensus === 'BFT'
      ? bftOrdering(consortium, crypto, layout, tlsCertOf)
      : {
          EtcdRaft: {
            Consenters: layout.orderers.map((node) => ({
              Host: node.dialHost,
              Port: node.port,
              ClientTLSCert: tlsCertOf(node),
              ServerTLSCert: tlsCertOf(node),
            })),
          },
        }),
    Organizations: ordererOrgs,
    Policies: {
      Readers: implicitMeta('ANY Readers'),
      Writers: implicitMeta('ANY Writers'),
      Admins: implicitMeta('MAJORITY Admins'),
      // configtxgen replaces it with the quorum of consenters for BFT.
      BlockValidation: implicitMeta('ANY Writers'),
    },
    Capabilities: capabilities.orderer,
  };
  const profiles = Object.fromEntries(
    definition.channels.map((channel) => [
      channel.name,
      {
        Policies: {
          Readers: implicitMeta('ANY Readers'),
          Writers: implicitMeta('ANY Writers'),
          Admins: implicitMeta('MAJORITY Admins'),
        },
        Capabilities: capabilities.channel,
        Orderer: orderer,
        Application: {
          Organizations: channel.members.map((id) => organizations.get(id)!),
          Policies: {
            Readers: implicitMeta('ANY Readers'),
            Writers: implicitMeta('ANY Writers'),
            Admins: implicitMeta('MAJORITY Admins'),
            LifecycleEndorsement: implicitMeta('MAJORITY Endorsement'),
            Endorsement: implicitMeta('MAJORITY Endorsement'),
          },
          Capabilities: capabilities.application,
        },
      },
    ]),
  );
  return { Organizations: [...organizations.values()], Profiles: profiles };
}

/**
 * SmartBFT's consenter mapping (IDs from 1 in layout order; `Identity` is the node's enrolment
 * certificate file) and options: blocks are cut by `RequestBatchMaxInterval`, not BatchTimeout,
 * and a silent leader is replaced after `LeaderHeartbeatTimeout`.
 */
function bftOrdering(
  consortium: Consortium,
  crypto: CryptoMaterial,
  layout: NetworkLayout,
  tlsCertOf: (node: OrdererLayout) => string,
): object {
  const bft = consortium.definition.ordering.bft;
  if (!bft) throw new Error("BFT ordering needs the consortium's ordering.bft section");
  return {
    ConsenterMapping: layout.orderers.map((node, index) => ({
      ID: index + 1,
      Host: node.dialHost,
      Port: node.port,
      MSPID: node.mspId,
      Identity: join(
        nodeCryptoDir(crypto.organization(node.mspId), node),
        'msp',
        'signcerts',
        `${node.hostname}-cert.pem`,
      ),
      ClientTLSCert: tlsCertOf(node),
      ServerTLSCert: tlsCertOf(node),
    })),
    SmartBFT: {
      RequestBatchMaxCount: consortium.definition.ordering.maxMessageCount,
      RequestBatchMaxBytes: consortium.definition.ordering.absoluteMaxBytes,
      RequestBatchMaxInterval: `${bft.requestBatchMaxIntervalMs}ms`,
      IncomingMessageBufferSize: 200,
      RequestPoolSize: 100_000,
      RequestForwardTimeout: '2s',
      RequestComplainTimeout: '20s',
      RequestAutoRemoveTimeout: '3m',
      ViewChangeResendInterval: '5s',
      ViewChangeTimeout: '20s',
      LeaderHeartbeatTimeout: `${bft.leaderHeartbeatTimeoutMs}ms`,
      LeaderHeartbeatCount: 10,
      CollectTimeout: '1s',
    },
  };
}

/** Writes `<configDir>/configtx.yaml`; configtxgen reads it with `-configPath <configDir>`. */
export function writeConfigtx(
  consortium: Consortium,
  crypto: CryptoMaterial,
  layout: NetworkLayout,
  consensus: Consensus = 'etcdraft',
): string {
  mkdirSync(layout.configDir, { recursive: true });
  writeFileSync(
    join(layout.configDir, 'configtx.yaml'),
    stringify(buildConfigtx(consortium, crypto, layout, consensus), {
      aliasDuplicateObjects: false,
      lineWidth: 0,
    }),
  );
  return layout.configDir;
}
