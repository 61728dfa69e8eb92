import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Consortium } from '../consortium';

/**
 * What `test-network/network.sh up` writes to `<FABRIC_NETWORK_DIR>/network.json` and `deploy`
 * completes: where every node of a running Fabric network listens, where its crypto material is,
 * and which chaincodes are committed. The gateway's Fabric connector and the tests read it; nobody
 * writes it by hand.
 */
const endpoint = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port');

const nodeSchema = z
  .object({
    mspId: z.string().min(1),
    /** Node name from consortium.yaml, e.g. `peer0`. */
    name: z.string().min(1),
    /** `<name>.<domain>`: the TLS server name clients must verify (the address may differ). */
    hostname: z.string().min(1),
    /** Where clients dial, e.g. `127.0.0.1:7051`. */
    endpoint,
    /** PEM file of the TLS CA that issued the node's server certificate. */
    tlsRootCertFile: z.string().min(1),
    /** Operations service (`/healthz`, `/metrics`), plain HTTP. */
    operationsEndpoint: endpoint,
  })
  .strict();

export const fabricPeerSchema = nodeSchema.extend({ channels: z.array(z.string()) }).strict();
export const fabricOrdererSchema = nodeSchema.extend({ adminEndpoint: endpoint }).strict();

export const fabricNetworkProfileSchema = z
  .object({
    /** The consortium.yaml the network was generated from (absolute path). */
    consortiumFile: z.string().min(1),
    /** cryptogen-style material (`peerOrganizations/`, `ordererOrganizations/`), with the org CA keys. */
    cryptoDir: z.string().min(1),
    /** `raft` (Fabric v2.5, an ordering org's Raft cluster) or `bft` (Fabric v3, a SmartBFT node per member). */
    profile: z.enum(['raft', 'bft']).default('raft'),
    /** On loopback: the first port of the layout; every node's ports follow from it. */
    basePort: z.number().int().min(1025).max(64999).optional(),
    /** On org hosts (network namespaces on a bridge): the bridge's /24 and the names' prefix. */
    hosts: z
      .object({
        subnet: z.string().regex(/^\d{1,3}\.\d{1,3}\.\d{1,3}$/),
        prefix: z.string().regex(/^[a-z0-9]{1,6}$/),
      })
      .strict()
      .optional(),
    /** The Fabric release the nodes run, e.g. `2.5.16`. */
    fabricVersion: z.string().min(1),
    peers: z.array(fabricPeerSchema),
    orderers: z.array(fabricOrdererSchema),
    /** Chaincodes committed by `deploy`, per channel; empty until then. */
    chaincodes: z.array(
      z
        .object({
          channel: z.string(),
          name: z.string(),
          version: z.string(),
          sequence: z.number().int().min(1),
        })
        .strict(),
    ),
  })
  .strict();

export type FabricNetworkProfile = z.infer<typeof fabricNetworkProfileSchema>;
export type FabricPeer = z.infer<typeof fabricPeerSchema>;
export type FabricOrderer = z.infer<typeof fabricOrdererSchema>;

export const FABRIC_NETWORK_PROFILE_FILE = 'network.json';

/**
 * The consortium as a network of `profile` runs it: on `bft` every member's ordering organisation
 * is a consenter and the Raft ordering org is absent (crypto material, MSPs and layout follow it).
 */
export function consortiumAsRun(
  consortium: Consortium,
  profile: FabricNetworkProfile['profile'],
): Consortium {
  return profile === 'bft' ? consortium.withBftOrdering() : consortium;
}

/** @throws Error naming the file and the field when the profile is missing or malformed. */
export function readFabricNetworkProfile(networkDir: string): FabricNetworkProfile {
  const file = join(networkDir, FABRIC_NETWORK_PROFILE_FILE);
  if (!existsSync(file)) {
    throw new Error(`${file} does not exist: run test-network/network.sh up (and deploy) first`);
  }
  const parsed = fabricNetworkProfileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue.path.join('.') || '(root)'} ${issue.message}`);
  }
  return parsed.data;
}

/** Written whole through a rename, so a reader never sees half a profile. */
export function writeFabricNetworkProfile(networkDir: string, profile: FabricNetworkProfile): void {
  const file = join(networkDir, FABRIC_NETWORK_PROFILE_FILE);
  const valid = fabricNetworkProfileSchema.parse(profile);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(valid, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}
