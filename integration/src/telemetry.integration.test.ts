/**
 * The telemetry contract on the embedded network of the real consortium (network/consortium.yaml):
 * real X.509 identities with role attributes, MAJORITY endorsement, MVCC validation of concurrent
 * anchors and chaincode events.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { canonicalJson } from '@cityledger/chaincode-common';
import {
  type BatchAnchor,
  contracts,
  type ReadingVerification,
  type SeqAnchorStatus,
} from '@cityledger/chaincode-telemetry';
import { CommitError, EndorseError, type EmbeddedNetwork, type Signer } from '@cityledger/network';
import { rejectionOf, startConsortiumNetwork } from '@cityledger/network/testing';
import { jsonLeafHash, merkleRoot, merkleTree } from '@cityledger/proofs';
import { expect } from 'chai';
import { ChaincodeEvents } from './testing/chaincode-events';

const CIVIC = 'civic';
const AQ1 = 'did:cityledger:civic:aq-1';
const AQ2 = 'did:cityledger:civic:aq-2';
const AQ3 = 'did:cityledger:civic:aq-3';

interface Reading {
  deviceId: string;
  seq: number;
  timestamp: string;
  metric: string;
  value: number;
  unit: string;
  signature: string;
}

const deviceKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;

/** A reading as a device sends it: signed over the canonical JSON of everything but the signature. */
function signedReading(deviceId: string, seq: number, value: number, second: number): Reading {
  const unsigned = {
    deviceId,
    seq,
    timestamp: `2025-01-01T00:00:${String(second).padStart(2, '0')}.000Z`,
    metric: 'pm2_5',
    value,
    unit: 'ug/m3',
  };
  const signature = sign('sha256', Buffer.from(canonicalJson(unsigned)), deviceKey).toString('base64');
  return { ...unsigned, signature };
}

/** The batch claim the gateway would anchor for these readings. */
function batchOf(batchId: string, readings: Reading[], alerts: object[] = []) {
  const perDevice: Record<string, { firstSeq: number; lastSeq: number }> = {};
  for (const r of readings) {
    const range = perDevice[r.deviceId];
    perDevice[r.deviceId] = range
      ? { firstSeq: Math.min(range.firstSeq, r.seq), lastSeq: Math.max(range.lastSeq, r.seq) }
      : { firstSeq: r.seq, lastSeq: r.seq };
  }
  return {
    feedId: 'air',
    batchId,
    merkleRoot: merkleRoot(readings.map(jsonLeafHash)),
    count: readings.length,
    perDevice,
    from: '2025-01-01T00:00:00.000Z',
    to: '2025-01-01T00:01:00.000Z',
    alerts,
  };
}

describe('telemetry chaincode on the embedded consortium network', () => {
  let network: EmbeddedNetwork;
  let cleanup: () => Promise<void>;
  let cityOperator: Signer;
  let communityOperator: Signer;
  let citizen: Signer;
  let auditor: Signer;
  let events: ChaincodeEvents;

  const call = (fn: string, args: string[]) => ({
    channel: CIVIC,
    chaincode: 'telemetry',
    function: fn,
    args,
  });
  const anchor = (user: Signer, batch: object) =>
    network.submit(user, call('AnchorBatch', [JSON.stringify(batch)]));
  const evaluate = async <T>(user: Signer, fn: string, args: string[]): Promise<T> =>
    JSON.parse((await network.evaluate(user, call(fn, args))).toString()) as T;
  const chaincodeMessage = (error: Error) => (error as unknown as EndorseError).chaincodeMessage ?? '';
  const eventOf = (txId: string) => events.of(txId);

  before(async () => {
    ({ network, cleanup } = await startConsortiumNetwork({ telemetry: contracts }));
    cityOperator = await network.crypto.enrollUser('CityMSP', 'city-operator', { role: 'operator' });
    communityOperator = await network.crypto.enrollUser('CommunityMSP', 'community-operator', {
      role: 'operator',
    });
    citizen = await network.crypto.enrollUser('CityMSP', 'ada', { role: 'citizen' });
    auditor = await network.crypto.enrollUser('AuditorMSP', 'auditor', { role: 'auditor' });
    events = ChaincodeEvents.follow(network, [CIVIC]);
    await network.submit(
      cityOperator,
      call('CreateFeed', [
        JSON.stringify({
          feedId: 'air',
          description: 'Air quality, city centre',
          metrics: [{ name: 'pm2_5', unit: 'ug/m3' }],
          deviceKinds: ['air-quality-sensor'],
          thresholds: [{ metric: 'pm2_5', comparison: 'gt', limit: 25 }],
        }),
      ]),
    );
  });

  after(async () => {
    events?.stop();
    await cleanup?.();
  });

  it('proves each anchored reading against the Merkle root on the ledger', async () => {
    const readings = [
      signedReading(AQ1, 1, 12.5, 10),
      signedReading(AQ1, 2, 14, 20),
      signedReading(AQ2, 1, 9, 15),
    ];
    await anchor(cityOperator, batchOf('proofs-1', readings));
    const leaves = readings.map(jsonLeafHash);
    for (const [i, reading] of readings.entries()) {
      const verification = await evaluate<ReadingVerification>(auditor, 'VerifyReading', [
        'proofs-1',
        JSON.stringify(reading),
        JSON.stringify(merkleTree(leaves).proofSteps(i)),
      ]);
      expect(verification.valid, `reading ${i}`).to.equal(true);
    }
    const forged = await evaluate<ReadingVerification>(auditor, 'VerifyReading', [
      'proofs-1',
      JSON.stringify({ ...readings[1], value: 4 }),
      JSON.stringify(merkleTree(leaves).proofSteps(1)),
    ]);
    expect(forged).to.include({ valid: false, reason: 'proof-mismatch' });
  });

  describe('anchoring a sequence range twice', () => {
    it('is refused by the chaincode when the first anchor has committed', async () => {
      await anchor(
        cityOperator,
        batchOf('twice-1', [signedReading(AQ3, 1, 10, 1), signedReading(AQ3, 3, 11, 3)]),
      );
      const height = network.height(CIVIC);
      const overlapping = batchOf('twice-2', [signedReading(AQ3, 3, 11, 3), signedReading(AQ3, 4, 12, 4)]);
      const error = await rejectionOf(anchor(cityOperator, overlapping));
      expect(error).to.be.instanceOf(EndorseError);
      expect(chaincodeMessage(error)).to.equal(
        `CONFLICT: readings 1..3 of device ${AQ3} are already anchored; batch twice-2 claims 3..4`,
      );
      expect(network.height(CIVIC)).to.equal(height);
      expect(await evaluate<SeqAnchorStatus>(auditor, 'IsSeqAnchored', [AQ3, '4'])).to.include({
        anchored: false,
      });
    });

    it('is refused by the chaincode when a gateway retries a committed batch', async () => {
      const batch = batchOf('retried', [signedReading(AQ3, 10, 10, 10)]);
      await anchor(cityOperator, batch);
      const height = network.height(CIVIC);
      const error = await rejectionOf(anchor(cityOperator, batch));
      expect(chaincodeMessage(error)).to.equal('CONFLICT: batch retried is already anchored');
      expect(network.height(CIVIC)).to.equal(height);
    });

    it('invalidates one of two anchors endorsed concurrently with MVCC_READ_CONFLICT', async () => {
      const readings = [signedReading(AQ3, 100, 10, 1), signedReading(AQ3, 101, 10, 2)];
      const endorsed = await Promise.all(
        ['race-a', 'race-b'].map((batchId) =>
          network.endorse(cityOperator, call('AnchorBatch', [JSON.stringify(batchOf(batchId, readings))])),
        ),
      );
      const outcomes = await Promise.allSettled(endorsed.map((tx) => network.submitEndorsed(tx)));
      const winners = outcomes.filter((o) => o.status === 'fulfilled');
      const losers = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(winners).to.have.length(1);
      expect(losers).to.have.length(1);
      const loser = losers[0]!.reason as CommitError;
      expect(loser).to.be.instanceOf(CommitError);
      expect(loser.validationCodeName).to.equal('MVCC_READ_CONFLICT');
      expect((await network.getTransaction(CIVIC, loser.txId!))?.validationCodeName).to.equal(
        'MVCC_READ_CONFLICT',
      );

      const loserBatch = loser.txId === endorsed[0]!.txId ? 'race-a' : 'race-b';
      const missing = await rejectionOf(network.evaluate(auditor, call('GetBatch', [loserBatch])));
      expect(chaincodeMessage(missing)).to.match(/^NOT_FOUND: /);
      const winnerBatch = loserBatch === 'race-a' ? 'race-b' : 'race-a';
      const winner = endorsed.find((tx) => tx.txId !== loser.txId)!;
      expect((await eventOf(winner.txId)).name).to.equal('BatchAnchored');
      expect(events.has(loser.txId!)).to.equal(false);
      expect((await evaluate<BatchAnchor>(auditor, 'GetBatch', [winnerBatch])).perDevice).to.deep.equal({
        [AQ3]: { firstSeq: 100, lastSeq: 101 },
      });
    });

    it('lets concurrently endorsed anchors of different devices both commit', async () => {
      const endorsed = await Promise.all(
        [AQ1, AQ2].map((device, i) =>
          network.endorse(
            cityOperator,
            call('AnchorBatch', [
              JSON.stringify(batchOf(`parallel-${i}`, [signedReading(device, 500, 10, 5)])),
            ]),
          ),
        ),
      );
      const results = await Promise.all(endorsed.map((tx) => network.submitEndorsed(tx)));
      expect(results).to.have.length(2);
    });
  });

  describe('access rules', () => {
    const expectAccessDenied = async (user: Signer, fn: string, argument: object) => {
      const height = network.height(CIVIC);
      const error = await rejectionOf(network.submit(user, call(fn, [JSON.stringify(argument)])));
      expect(error).to.be.instanceOf(EndorseError);
      expect(chaincodeMessage(error)).to.match(/^ACCESS_DENIED: /);
      expect(network.height(CIVIC)).to.equal(height);
    };

    it('refuses every write of the auditor', async () => {
      await expectAccessDenied(auditor, 'CreateFeed', {
        feedId: 'audit',
        metrics: [{ name: 'pm2_5', unit: 'ug/m3' }],
        deviceKinds: ['air-quality-sensor'],
      });
      await expectAccessDenied(
        auditor,
        'AnchorBatch',
        batchOf('by-auditor', [signedReading(AQ1, 900, 1, 1)]),
      );
    });

    it('refuses a citizen who tries to anchor a batch', async () => {
      await expectAccessDenied(
        citizen,
        'AnchorBatch',
        batchOf('by-citizen', [signedReading(AQ1, 901, 1, 1)]),
      );
    });

    it("refuses an operator of another organisation who tries to anchor the City's feed", async () => {
      await expectAccessDenied(
        communityOperator,
        'AnchorBatch',
        batchOf('by-community', [signedReading(AQ1, 902, 1, 1)]),
      );
    });
  });

  it('emits BatchAnchored with the anchor and the threshold alerts it carries', async () => {
    const readings = [signedReading(AQ1, 1000, 12, 10), signedReading(AQ1, 1001, 31, 20)];
    const alert = { deviceId: AQ1, seq: 1001, metric: 'pm2_5', value: 31, timestamp: readings[1]!.timestamp };
    const batch = batchOf('evented', readings, [alert]);
    const { txId, result } = await anchor(cityOperator, batch);
    const anchored = JSON.parse(result.toString()) as BatchAnchor;
    const event = await eventOf(txId);
    expect(event.name).to.equal('BatchAnchored');
    expect(event.payload).to.equal(
      canonicalJson({
        feedId: 'air',
        batchId: 'evented',
        merkleRoot: batch.merkleRoot,
        count: 2,
        perDevice: { [AQ1]: { firstSeq: 1000, lastSeq: 1001 } },
        from: batch.from,
        to: batch.to,
        anchoredAt: anchored.anchoredAt,
        thresholdExceeded: true,
        alerts: [
          {
            ...alert,
            feedId: 'air',
            batchId: 'evented',
            unit: 'ug/m3',
            comparison: 'gt',
            limit: 25,
          },
        ],
      }),
    );
    expect(anchored).to.include({ anchoredBy: 'CityMSP', txId, alertCount: 1 });
  });
});
