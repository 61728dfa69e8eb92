import { type KeyObject, createHash, generateKeyPairSync, sign } from 'node:crypto';
import { canonicalJson } from '@cityledger/chaincode-common';
import { jsonLeafHash, merkleTree } from '@cityledger/proofs';
import { parseRsaPublicKeyPem, prepareVotingToken, signBlinded, unblindSignature } from '@cityledger/voter';
import { ClientIdentity } from 'fabric-shim';
import { type TestGateway, personalDataOf } from '../testing/test-gateway';
import type { ManualClock } from '@cityledger/network/testing';

/**
 * A small city seeded through the gateway's REST API only, as an operator's scripts would: what
 * the dashboard's end-to-end test looks at. Each flow uses the roles the contracts require.
 */

type Token = string;

export interface CityUsers {
  registrar: Token;
  cityOperator: Token;
  utilityOperator: Token;
  communityAdmin: Token;
  auditor: Token;
  authority: Token;
  ballotBox: Token;
  ada: Token;
  bob: Token;
  communityCitizen: Token;
}

export function usersOf(gateway: TestGateway): CityUsers {
  return {
    registrar: gateway.token('rita', 'CityMSP', 'registrar'),
    cityOperator: gateway.token('oscar', 'CityMSP', 'operator'),
    utilityOperator: gateway.token('uma', 'UtilityMSP', 'operator'),
    communityAdmin: gateway.token('cora', 'CommunityMSP', 'admin'),
    auditor: gateway.token('audrey', 'AuditorMSP', 'auditor'),
    authority: gateway.token('elena', 'CityMSP', 'election-authority'),
    ballotBox: gateway.token('box', 'CityMSP', 'ballot-box'),
    ada: gateway.token('ada', 'CityMSP', 'citizen'),
    bob: gateway.token('bob', 'CityMSP', 'citizen'),
    communityCitizen: gateway.token('carl', 'CommunityMSP', 'citizen'),
  };
}

export class CitySeeder {
  readonly users: CityUsers;

  /** `clock` is the gateway's: the seed moves it to close an election instead of waiting. */
  constructor(
    readonly gateway: TestGateway,
    readonly clock: ManualClock,
  ) {
    this.users = usersOf(gateway);
  }

  /** Submits through the generic API and returns the parsed chaincode result. */
  async submit(
    token: Token,
    channel: string,
    chaincode: string,
    fn: string,
    args: unknown[],
    transient?: Record<string, unknown>,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- results are read loosely
  ): Promise<any> {
    const answer = await this.gateway.request(
      'POST',
      `/api/v1/channels/${channel}/chaincodes/${chaincode}/transactions`,
      {
        token,
        body: { function: fn, args, ...(transient ? { transient } : {}) },
      },
    );
    if (answer.status !== 200) {
      throw new Error(`${chaincode}.${fn} on ${channel}: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    return answer.body.result;
  }

  /** Through the persons route, which stores the personal data (City's peer alone) and then registers the DID. */
  async registerPerson(channel: string, id: string): Promise<string> {
    const answer = await this.gateway.request('POST', `/api/v1/channels/${channel}/persons`, {
      token: this.users.registrar,
      body: { id, personalData: personalDataOf(id) },
    });
    if (answer.status !== 201) {
      throw new Error(`registering ${id} on ${channel}: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    return `did:cityledger:${channel}:${id}`;
  }

  /** The X.509 identity (`x509::subject::issuer`) the gateway enrolled for a user, as chaincode sees it. */
  async clientIdOf(mspId: string, userId: string, role: string): Promise<string> {
    const network = (
      this.gateway.running.ledger as unknown as {
        network: {
          crypto: {
            enrollUser(
              msp: string,
              user: string,
              attrs: { role: string },
            ): Promise<{ mspId: string; certificatePem: string }>;
          };
        };
      }
    ).network;
    const identity = await network.crypto.enrollUser(mspId, userId, { role });
    const stub = {
      getChannelID: () => 'energy',
      getTxID: () => '0',
      getCreator: () => ({ mspid: identity.mspId, idBytes: Buffer.from(identity.certificatePem) }),
    };
    return new ClientIdentity(stub as never).getID();
  }
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const square = (lon: number, lat: number, w: number, hgt: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [lon, lat],
      [lon + w, lat],
      [lon + w, lat + hgt],
      [lon, lat + hgt],
      [lon, lat],
    ],
  ],
});

/** Energy market: two prosumers with meters and money, an offer and a bid for the next interval. */
export async function seedEnergyMarket(seed: CitySeeder): Promise<{ interval: string; startsAt: number }> {
  const { users } = seed;
  await seed.submit(users.utilityOperator, 'energy', 'energy-trading', 'ConfigureMarket', [
    JSON.stringify({
      intervalMinutes: 1,
      gateClosureMinutes: 0,
      settlementDelayMinutes: 0,
      gridTariffCentsPerKwh: 30,
      feedInTariffCentsPerKwh: 8,
      gridFeeCentsPerKwh: 4,
    }),
  ]);
  const prosumers = [
    { id: 'ada', token: users.ada },
    { id: 'bob', token: users.bob },
  ];
  await Promise.all(
    prosumers.map(async ({ id }) => {
      const did = await seed.registerPerson('energy', id);
      const validUntil = new Date(Date.now() + 365 * 86_400_000).toISOString();
      await seed.submit(users.utilityOperator, 'energy', 'identity', 'IssueCredential', [
        `prosumer-${id}`,
        did,
        'prosumer',
        '',
        validUntil,
        '',
      ]);
      const meterKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
        .publicKey.export({ type: 'spki', format: 'pem' })
        .toString();
      await seed.submit(users.utilityOperator, 'energy', 'identity', 'RegisterDevice', [
        `meter-${id}`,
        'smart-meter',
        did,
        meterKey,
        '["energy"]',
        'meters',
      ]);
      await seed.submit(users.utilityOperator, 'energy', 'energy-trading', 'OpenAccount', [
        did,
        'CityMSP',
        await seed.clientIdOf('CityMSP', id, 'citizen'),
      ]);
      await seed.submit(users.utilityOperator, 'energy', 'energy-trading', 'LinkMeter', [
        did,
        `did:cityledger:energy:meter-${id}`,
      ]);
      await seed.submit(users.utilityOperator, 'energy', 'energy-trading', 'Deposit', [
        did,
        `dep-${id}`,
        '100000',
        'bank transfer',
      ]);
    }),
  );
  // The next whole minute at least a few seconds away: orders go in before it, clearing after it.
  const startsAt = Math.ceil((seed.clock.now() + 5000) / 60_000) * 60_000;
  const interval = new Date(startsAt).toISOString();
  await Promise.all([
    seed.submit(users.ada, 'energy', 'energy-trading', 'PlaceSellOffer', [
      'offer-ada-1',
      'did:cityledger:energy:ada',
      interval,
      '3000',
      '15',
    ]),
    seed.submit(users.ada, 'energy', 'energy-trading', 'PlaceSellOffer', [
      'offer-ada-2',
      'did:cityledger:energy:ada',
      interval,
      '2000',
      '28',
    ]),
    seed.submit(users.bob, 'energy', 'energy-trading', 'PlaceBuyBid', [
      'bid-bob-1',
      'did:cityledger:energy:bob',
      interval,
      '2500',
      '30',
    ]),
    seed.submit(users.bob, 'energy', 'energy-trading', 'PlaceBuyBid', [
      'bid-bob-2',
      'did:cityledger:energy:bob',
      interval,
      '1500',
      '20',
    ]),
  ]);
  return { interval, startsAt };
}

/** Organisations on civic: the City (owns land, air sensors) and a community bank/charity. */
export async function seedCivicOrganisations(seed: CitySeeder): Promise<{ city: string; community: string }> {
  await Promise.all([
    seed.submit(seed.users.registrar, 'civic', 'identity', 'RegisterOrganisation', [
      'city',
      'City of Harbourtown',
      '',
    ]),
    seed.submit(seed.users.communityAdmin, 'civic', 'identity', 'RegisterOrganisation', [
      'helpers',
      'Harbour Helpers',
      '',
    ]),
  ]);
  return { city: 'did:cityledger:civic:city', community: 'did:cityledger:civic:helpers' };
}

/** Land: a parcel with a mortgage, subdivided in two; its provenance spans both generations. */
export async function seedLand(seed: CitySeeder, owners: { city: string; community: string }) {
  const { registrar } = seed.users;
  await seed.submit(registrar, 'civic', 'land-registry', 'RegisterParcel', [
    'HT-100',
    JSON.stringify({ geometry: square(4.35, 50.85, 0.002, 0.001) }),
    '2000',
    'residential',
    'R2',
    JSON.stringify([{ did: owners.city, shares: 10000 }]),
    sha('deed HT-100'),
  ]);
  await seed.submit(registrar, 'civic', 'land-registry', 'RegisterParcel', [
    'HT-200',
    JSON.stringify({ geometry: square(4.352, 50.85, 0.0015, 0.001) }),
    '1500',
    'commercial',
    'C1',
    JSON.stringify([{ did: owners.city, shares: 10000 }]),
    sha('deed HT-200'),
  ]);
  await seed.submit(registrar, 'civic', 'land-registry', 'RegisterEncumbrance', [
    'M-1',
    'HT-100',
    'mortgage',
    owners.community,
    '15000000',
    'EUR',
    'first mortgage',
    sha('mortgage deed M-1'),
  ]);
  await seed.submit(registrar, 'civic', 'land-registry', 'SubdivideParcel', [
    'HT-100',
    JSON.stringify([
      { parcelId: 'HT-101', areaM2: 1200, location: { geometry: square(4.35, 50.85, 0.0012, 0.001) } },
      { parcelId: 'HT-102', areaM2: 800, location: { geometry: square(4.3512, 50.85, 0.0008, 0.001) } },
    ]),
    sha('survey HT-100 split'),
  ]);
  return { parentId: 'HT-100', childIds: ['HT-101', 'HT-102'] };
}

/** Voting: an election with one eligible voter who casts a blind-signed ballot; closed and tallied. */
export async function seedElection(seed: CitySeeder) {
  const { users } = seed;
  const voter = await seed.registerPerson('civic', 'vera');
  const validUntil = new Date(Date.now() + 365 * 86_400_000).toISOString();
  await seed.submit(users.registrar, 'civic', 'identity', 'IssueCredential', [
    'voter-vera',
    voter,
    'eligible-voter',
    '',
    validUntil,
    '',
  ]);
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const electionId = 'pb-harbour';
  const closesAt = seed.clock.now() + 9000;
  await seed.submit(users.authority, 'civic', 'voting', 'CreateElection', [
    electionId,
    'Harbour participatory budget',
    '',
    'plurality',
    JSON.stringify([
      { optionId: 'park', label: 'Pocket park' },
      { optionId: 'bikes', label: 'Bike lanes' },
    ]),
    '',
    '1',
    '',
    new Date(seed.clock.now() - 60_000).toISOString(),
    new Date(closesAt).toISOString(),
    pem,
  ]);
  await seed.submit(users.registrar, 'civic', 'voting', 'OpenElection', [electionId]);
  const key = parseRsaPublicKeyPem('tokenKeyPem', pem);
  const request = prepareVotingToken(key, electionId);
  const blindSignature = signBlinded(privateKey as KeyObject, request.blindedMessage);
  await seed.submit(users.authority, 'civic', 'voting', 'IssueVotingToken', [
    electionId,
    voter,
    request.blindedMessage,
    blindSignature,
  ]);
  const signature = unblindSignature(key, request, blindSignature);
  const receipt = await seed.submit(users.ballotBox, 'civic', 'voting', 'CastBallot', [
    electionId,
    request.token,
    signature,
    '["park"]',
  ]);
  seed.clock.reach(closesAt + 300);
  await seed.submit(users.registrar, 'civic', 'voting', 'CloseElection', [electionId]);
  await seed.submit(users.registrar, 'civic', 'voting', 'TallyElection', [electionId]);
  return { electionId, receipt: receipt as { electionId: string; nullifier: string; ballotHash: string } };
}

/** Donations: a campaign, a named and an anonymous gift, an approved milestone and a disbursement. */
export async function seedCampaign(seed: CitySeeder, organiser: string) {
  const { users } = seed;
  const [shelter, donor] = await Promise.all([
    seed.registerPerson('civic', 'shelter'),
    seed.registerPerson('civic', 'dora'),
  ]);
  const campaignId = 'winter-shelter';
  await seed.submit(users.communityAdmin, 'civic', 'donation-tracking', 'CreateCampaign', [
    campaignId,
    organiser,
    'Winter shelter',
    '100000',
    'EUR',
    new Date(Date.now() + 30 * 86_400_000).toISOString(),
    JSON.stringify([shelter]),
    JSON.stringify([
      { description: 'Buy 40 beds', amountCents: 60000, evidenceRequired: 'invoice' },
      { description: 'Winter meals', amountCents: 40000, evidenceRequired: 'receipts' },
    ]),
  ]);
  const named = await seed.submit(users.communityAdmin, 'civic', 'donation-tracking', 'Donate', [
    campaignId,
    '45000',
    'EUR',
    donor,
    '',
  ]);
  const anonymous = await seed.submit(users.communityAdmin, 'civic', 'donation-tracking', 'Donate', [
    campaignId,
    '30000',
    'EUR',
    '',
    sha('a receipt secret of at least thirty-two characters'),
  ]);
  await seed.submit(users.communityAdmin, 'civic', 'donation-tracking', 'SubmitMilestoneEvidence', [
    campaignId,
    '1',
    JSON.stringify([sha('invoice beds')]),
    'beds bought',
  ]);
  await seed.submit(users.auditor, 'civic', 'donation-tracking', 'ApproveMilestone', [
    campaignId,
    '1',
    'invoice checked',
  ]);
  await seed.submit(users.communityAdmin, 'civic', 'donation-tracking', 'Disburse', [
    campaignId,
    '1',
    shelter,
    '60000',
    'SEPA-1',
  ]);
  return {
    campaignId,
    namedDonationId: named.donationId as string,
    anonymousDonationId: anonymous.donationId as string,
    shelter,
    donor,
  };
}

/** IoT: an air-quality feed with an alert rule and one sensor of the City. */
export async function seedAirQuality(seed: CitySeeder, owner: string) {
  const { cityOperator } = seed.users;
  await seed.submit(cityOperator, 'civic', 'telemetry', 'CreateFeed', [
    JSON.stringify({
      feedId: 'air',
      description: 'Air quality along the harbour',
      metrics: [{ name: 'pm2_5', unit: 'ug/m3' }],
      deviceKinds: ['air-quality-sensor'],
      thresholds: [{ metric: 'pm2_5', comparison: 'gt', limit: 25 }],
    }),
  ]);
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  await seed.submit(cityOperator, 'civic', 'identity', 'RegisterDevice', [
    'aq-1',
    'air-quality-sensor',
    owner,
    publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    '["pm2_5"]',
    'air',
  ]);
  return new AirSensor('did:cityledger:civic:aq-1', privateKey);
}

export interface SignedReading {
  deviceId: string;
  seq: number;
  timestamp: string;
  metric: string;
  value: number;
  unit: string;
  signature: string;
}

/** A device as the simulator plays it: signs canonical JSON of each reading with its P-256 key. */
export class AirSensor {
  private seq = 0;

  constructor(
    readonly deviceId: string,
    private readonly privateKey: KeyObject,
  ) {}

  reading(value: number): SignedReading {
    this.seq += 1;
    const unsigned = {
      deviceId: this.deviceId,
      seq: this.seq,
      timestamp: new Date().toISOString(),
      metric: 'pm2_5',
      value,
      unit: 'ug/m3',
    };
    const signature = sign('sha256', Buffer.from(canonicalJson(unsigned)), this.privateKey).toString(
      'base64',
    );
    return { ...unsigned, signature };
  }
}

/**
 * What the IoT bridge does with a batch, done by hand for gateways without the bridge: the Merkle
 * root over the signed readings anchored through the telemetry REST resource.
 */
export async function anchorByHand(seed: CitySeeder, readings: SignedReading[], limit: number) {
  const tree = merkleTree(readings.map((r) => jsonLeafHash(r)));
  const batchId = `air-${readings[0]!.seq}-${readings[readings.length - 1]!.seq}`;
  const body = {
    feedId: 'air',
    batchId,
    merkleRoot: tree.root,
    count: readings.length,
    perDevice: {
      [readings[0]!.deviceId]: { firstSeq: readings[0]!.seq, lastSeq: readings[readings.length - 1]!.seq },
    },
    from: readings[0]!.timestamp,
    to: readings[readings.length - 1]!.timestamp,
    alerts: readings
      .filter((r) => r.value > limit)
      .map(({ deviceId, seq, metric, value, timestamp }) => ({ deviceId, seq, metric, value, timestamp })),
  };
  const answer = await seed.gateway.request('POST', '/api/v1/channels/civic/batches', {
    token: seed.users.cityOperator,
    body,
  });
  if (answer.status !== 201)
    throw new Error(`anchoring failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return { batchId, proofs: readings.map((_, i) => tree.proofSteps(i)) };
}
