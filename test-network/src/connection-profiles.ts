import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CryptoMaterial, SigningIdentity } from '@cityledger/network';
import type { FabricCommands } from './fabric-commands';
import { type NetworkLayout, endpointOf } from './network-layout';

/** The user every org's wallet gets besides its admin, enrolled with a role attribute. */
export const WALLET_APP_USER = { id: 'operator', attributes: { role: 'operator' } };

/**
 * For app developers who use the legacy `fabric-network` SDK directly: one common connection
 * profile per peer organization (its own peers; discovery finds the rest) and one file-system
 * wallet per organization (`<label>.id` files, the SDK's X.509 identity format) holding the
 * org admin and an enrolled application user (role `operator`).
 */
export async function writeConnectionProfiles(
  layout: NetworkLayout,
  crypto: CryptoMaterial,
  commands: FabricCommands,
): Promise<void> {
  for (const org of crypto.organizations()) {
    const peers = layout.peers.filter((peer) => peer.mspId === org.mspId);
    if (peers.length === 0) continue;
    const profile = {
      name: `cityledger-${org.mspId}`,
      version: '1.0.0',
      client: {
        organization: org.mspId,
        connection: { timeout: { peer: { endorser: '300' }, orderer: '300' } },
      },
      organizations: {
        [org.mspId]: {
          mspid: org.mspId,
          peers: peers.map((peer) => peer.hostname),
          certificateAuthorities: [],
        },
      },
      peers: Object.fromEntries(
        peers.map((peer) => [
          peer.hostname,
          {
            url: `grpcs://${endpointOf(peer)}`,
            tlsCACerts: { pem: readFileSync(commands.tlsRootCert(peer), 'utf8') },
            grpcOptions: { 'ssl-target-name-override': peer.hostname, hostnameOverride: peer.hostname },
          },
        ]),
      ),
    };
    const profilesDir = join(layout.workDir, 'connection-profiles');
    mkdirSync(profilesDir, { recursive: true });
    writeFileSync(join(profilesDir, `${org.mspId}.json`), `${JSON.stringify(profile, null, 2)}\n`);

    const walletDir = join(layout.workDir, 'wallets', org.mspId);
    mkdirSync(walletDir, { recursive: true });
    const appUser = await crypto.enrollUser(org.mspId, WALLET_APP_USER.id, WALLET_APP_USER.attributes);
    for (const [label, identity] of [
      ['admin', org.admin],
      [WALLET_APP_USER.id, appUser],
    ] as const) {
      writeWalletIdentity(walletDir, label, identity);
    }
  }
}

function writeWalletIdentity(walletDir: string, label: string, identity: SigningIdentity): void {
  const entry = {
    credentials: {
      certificate: identity.certificatePem,
      privateKey: identity.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    },
    mspId: identity.mspId,
    type: 'X.509',
    version: 1,
  };
  writeFileSync(join(walletDir, `${label}.id`), `${JSON.stringify(entry)}\n`, { mode: 0o600 });
}
