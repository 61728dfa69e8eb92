import { z } from 'zod';

/** Names Fabric accepts for channels: lower case, starting with a letter. */
const channelName = z
  .string()
  .regex(/^[a-z][a-z0-9.-]{0,248}$/, 'must be a Fabric channel name (a-z, 0-9, . and -)');
const mspId = z.string().regex(/^[A-Za-z][A-Za-z0-9._-]*$/, 'must be an MSP ID (letters, digits, . _ -)');
const nodeName = z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a node name (a-z, 0-9, -)');
const chaincodeName = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'must be a chaincode name (a-z, 0-9, _ and -)');
const policyText = z.string().min(1, 'must be a policy expression');

export const collectionSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'must be a collection name'),
    /** Signature policy naming the member orgs, e.g. OR('CityMSP.member'). */
    policy: policyText,
    requiredPeerCount: z.number().int().min(0).default(0),
    maxPeerCount: z.number().int().min(0).default(0),
    /** Blocks after which private data is purged; 0 keeps it forever. */
    blockToLive: z.number().int().min(0).default(0),
    memberOnlyRead: z.boolean().default(true),
    memberOnlyWrite: z.boolean().default(true),
    /** Collection-level endorsement policy; overrides the chaincode's for keys of this collection. */
    endorsementPolicy: policyText.optional(),
  })
  .strict();

export const chaincodeSchema = z
  .object({
    name: chaincodeName,
    version: z.string().min(1),
    endorsementPolicy: policyText,
    collections: z.array(collectionSchema).default([]),
  })
  .strict();

export const channelSchema = z
  .object({
    name: channelName,
    members: z.array(mspId).min(1),
    chaincodes: z.array(chaincodeSchema).default([]),
  })
  .strict();

export const organizationSchema = z
  .object({
    mspId,
    name: z.string().min(1),
    domain: z.string().regex(/^[a-z0-9.-]+$/, 'must be a DNS domain'),
    peers: z.array(nodeName).default([]),
    orderers: z.array(nodeName).default([]),
  })
  .strict();

/**
 * The BFT profile of a real Fabric v3 network: which member runs which SmartBFT ordering node.
 * The embedded network and the Raft profile ignore it.
 */
export const bftOrderingSchema = z
  .object({
    consenters: z
      .array(
        z
          .object({
            /** The member organisation that runs the node (on its own host). */
            operator: mspId,
            /** The ordering organisation the node belongs to: its own MSP and CAs. */
            mspId,
            domain: z.string().regex(/^[a-z0-9.-]+$/, 'must be a DNS domain'),
            name: nodeName,
          })
          .strict(),
      )
      .min(4),
    /** SmartBFT cuts a block when this much time has passed since its first request (BatchTimeout is not used). */
    requestBatchMaxIntervalMs: z.number().int().min(1).max(60_000).default(100),
    /** How long followers wait for the leader's heartbeat before a view change (Fabric's default is 1 min). */
    leaderHeartbeatTimeoutMs: z.number().int().min(1000).max(600_000).default(10_000),
  })
  .strict();

export const orderingSchema = z
  .object({
    batchTimeoutMs: z.number().int().min(1).max(60_000).default(100),
    maxMessageCount: z.number().int().min(1).default(500),
    absoluteMaxBytes: z
      .number()
      .int()
      .min(1024)
      .default(10 * 1024 * 1024),
    preferredMaxBytes: z
      .number()
      .int()
      .min(1024)
      .default(2 * 1024 * 1024),
    bft: bftOrderingSchema.optional(),
  })
  .strict();

export const consortiumSchema = z
  .object({
    name: z.string().min(1),
    organizations: z.array(organizationSchema).min(1),
    ordering: orderingSchema.default({
      batchTimeoutMs: 100,
      maxMessageCount: 500,
      absoluteMaxBytes: 10 * 1024 * 1024,
      preferredMaxBytes: 2 * 1024 * 1024,
    }),
    channels: z.array(channelSchema).min(1),
  })
  .strict();

export type CollectionDefinition = z.infer<typeof collectionSchema>;
export type ChaincodeDefinition = z.infer<typeof chaincodeSchema>;
export type ChannelDefinition = z.infer<typeof channelSchema>;
export type OrganizationDefinition = z.infer<typeof organizationSchema>;
export type OrderingDefinition = z.infer<typeof orderingSchema>;
export type BftOrderingDefinition = z.infer<typeof bftOrderingSchema>;
export type ConsortiumDefinition = z.infer<typeof consortiumSchema>;
