import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Consortium, CryptoMaterial } from '@cityledger/network';
import { stringify } from 'yaml';
import { nodeCryptoDir } from './node-config';
import { type NetworkLayout, endpointOf } from './network-layout';

type Policy = { Type: 'Signature' | 'ImplicitMeta'; Rule: string };
const signature = (rule: string): Policy => ({ Type: 'Signature', Rule: rule });
const implicitMeta = (rule: string): Policy => ({ Type: 'ImplicitMeta', Rule: rule });

/**
 * Builds configtx.yaml from the consortium: one profile per channel (named after it) with Raft
 * ordering by every orderer, the channel's member orgs with their anchor peers, and the
 * application policies chaincode definitions refer to (`MAJORITY Endorsement` means the channel's
 * `/Channel/Application/Endorsement`).
 */
export function buildConfigtx(consortium: Consortium, crypto: CryptoMaterial, layout: NetworkLayout): object {
  const definition = consortium.definition;
  const organizations = new Map(
    definition.organizations.map((org) => {
      const id = org.mspId;
      const orgCrypto = crypto.organization(id);
      const anchorPeers = layout.peers
        .filter((peer) => peer.mspId === id)
        .map((peer) => ({ Host: peer.host, Port: peer.port }));
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
    channel: { V2_0: true },
    orderer: { V2_0: true },
    application: { V2_5: true },
  };
  const ordering = definition.ordering;
  const orderer = {
    OrdererType: 'etcdraft',
    BatchTimeout: `${ordering.batchTimeoutMs}ms`,
    BatchSize: {
      MaxMessageCount: ordering.maxMessageCount,
      AbsoluteMaxBytes: ordering.absoluteMaxBytes,
      PreferredMaxBytes: ordering.preferredMaxBytes,
    },
    EtcdRaft: {
      Consenters: layout.orderers.map((node) => {
        const tlsCert = join(nodeCryptoDir(crypto.organization(node.mspId), node), 'tls', 'server.crt');
        return { Host: node.host, Port: node.port, ClientTLSCert: tlsCert, ServerTLSCert: tlsCert };
      }),
    },
    Organizations: ordererOrgs,
    Policies: {
      Readers: implicitMeta('ANY Readers'),
      Writers: implicitMeta('ANY Writers'),
      Admins: implicitMeta('MAJORITY Admins'),
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

/** Writes `<configDir>/configtx.yaml`; configtxgen reads it with `-configPath <configDir>`. */
export function writeConfigtx(consortium: Consortium, crypto: CryptoMaterial, layout: NetworkLayout): string {
  mkdirSync(layout.configDir, { recursive: true });
  writeFileSync(
    join(layout.configDir, 'configtx.yaml'),
    stringify(buildConfigtx(consortium, crypto, layout), { aliasDuplicateObjects: false, lineWidth: 0 }),
  );
  return layout.configDir;
}
