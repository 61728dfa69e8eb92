import { jsonLeafHash, merkleRoot, merkleTree } from '@cityledger/proofs';
import { expect } from 'chai';
import { type TestGateway, startTestGateway, uniqueId } from '../../testing/test-gateway';

describe('telemetry REST resources', () => {
  let gateway: TestGateway;
  let operator: string;
  let auditor: string;
  const civic = '/api/v1/channels/civic';

  before(async () => {
    gateway = await startTestGateway();
    operator = gateway.token('otto', 'CityMSP', 'operator');
    auditor = gateway.token('audrey', 'AuditorMSP', 'auditor');
  });
  after(() => gateway.stop());

  const createFeed = async () => {
    const feedId = uniqueId('air');
    const answer = await gateway.request('POST', `${civic}/feeds`, {
      token: operator,
      body: {
        feedId,
        description: 'Air quality, harbour district',
        metrics: [{ name: 'pm2_5', unit: 'ug/m3' }],
        deviceKinds: ['air-quality-sensor'],
        thresholds: [{ metric: 'pm2_5', comparison: 'gt', limit: 25 }],
      },
    });
    return { feedId, answer };
  };

  it('creates, reads, lists and updates a feed', async () => {
    const { feedId, answer } = await createFeed();
    expect(answer.status).to.equal(201);
    expect(answer.headers.get('location')).to.equal(`/api/v1/channels/civic/feeds/${feedId}`);
    expect(answer.body).to.include({ feedId, ownerMsp: 'CityMSP', channel: 'civic' });
    const read = await gateway.request('GET', `${civic}/feeds/${feedId}`, { token: auditor });
    expect(read.body).to.deep.equal(answer.body);
    const list = await gateway.request('GET', `${civic}/feeds`, { token: auditor });
    expect(list.body.records.map((f: { feedId: string }) => f.feedId)).to.include(feedId);
    const updated = await gateway.request('PUT', `${civic}/feeds/${feedId}/thresholds`, {
      token: operator,
      body: { thresholds: [{ metric: 'pm2_5', comparison: 'gte', limit: 50 }] },
    });
    expect(updated.body.thresholds).to.deep.equal([{ metric: 'pm2_5', comparison: 'gte', limit: 50 }]);
    const history = await gateway.request('GET', `${civic}/feeds/${feedId}/history`, { token: auditor });
    expect(history.body).to.have.length(2);
  });

  it('refuses the auditor writing (403) and names bad fields (400)', async () => {
    const refused = await gateway.request('POST', `${civic}/feeds`, {
      token: auditor,
      body: {
        feedId: uniqueId('f'),
        metrics: [{ name: 'pm2_5', unit: 'ug/m3' }],
        deviceKinds: ['air-quality-sensor'],
      },
    });
    expect(refused.status).to.equal(403);
    const bad = await gateway.request('POST', `${civic}/feeds`, {
      token: operator,
      body: {
        feedId: uniqueId('f'),
        metrics: [{ name: 'PM 2.5', unit: 'ug/m3' }],
        deviceKinds: ['air-quality-sensor'],
      },
    });
    expect([bad.status, bad.body.error.field]).to.deep.equal([400, 'metrics[0].name']);
  });

  it('anchors a batch with an alert and proves a single reading against it', async () => {
    const { feedId } = await createFeed();
    const device = `did:cityledger:civic:${uniqueId('aq')}`;
    const readings = [1, 2, 3].map((seq) => ({
      deviceId: device,
      seq,
      timestamp: `2025-01-01T00:00:0${seq}.000Z`,
      metric: 'pm2_5',
      value: seq === 3 ? 40 : 10,
      unit: 'ug/m3',
      signature: 'MEUCIQ==',
    }));
    const leaves = readings.map((r) => jsonLeafHash(r));
    const batchId = uniqueId('batch');
    const anchored = await gateway.request('POST', `${civic}/batches`, {
      token: operator,
      body: {
        feedId,
        batchId,
        merkleRoot: merkleRoot(leaves),
        count: 3,
        perDevice: { [device]: { firstSeq: 1, lastSeq: 3 } },
        from: readings[0]!.timestamp,
        to: readings[2]!.timestamp,
        alerts: [{ deviceId: device, seq: 3, metric: 'pm2_5', value: 40, timestamp: readings[2]!.timestamp }],
      },
    });
    expect(anchored.status).to.equal(201);
    expect(anchored.body).to.include({ batchId, count: 3, alertCount: 1 });
    const proof = await gateway.request('POST', `${civic}/batches/${batchId}/verifications`, {
      token: auditor,
      body: { reading: readings[1], proof: merkleTree(leaves).proofSteps(1) },
    });
    expect(proof.body).to.include({ valid: true, batchId });
    const tampered = await gateway.request('POST', `${civic}/batches/${batchId}/verifications`, {
      token: auditor,
      body: { reading: { ...readings[1], value: 11 }, proof: merkleTree(leaves).proofSteps(1) },
    });
    expect(tampered.body).to.include({ valid: false, reason: 'proof-mismatch' });
    const alerts = await gateway.request('GET', `${civic}/feeds/${feedId}/alerts`, { token: auditor });
    expect(alerts.body.records).to.have.length(1);
    const batches = await gateway.request('GET', `${civic}/feeds/${feedId}/batches`, { token: auditor });
    expect(batches.body.records.map((b: { batchId: string }) => b.batchId)).to.deep.equal([batchId]);
    const seq = await gateway.request('GET', `${civic}/devices/${device}/anchored-readings/2`, {
      token: auditor,
    });
    expect(seq.body).to.deep.equal({ deviceId: device, seq: 2, anchored: true });
    const twice = await gateway.request('POST', `${civic}/batches`, {
      token: operator,
      body: { ...anchored.body, batchId: uniqueId('b') },
    });
    expect(twice.status).to.be.oneOf([400, 409]);
  });

  it('answers 404 for an unknown batch', async () => {
    const answer = await gateway.request('GET', `${civic}/batches/none`, { token: auditor });
    expect([answer.status, answer.body.error.code]).to.deep.equal([404, 'NOT_FOUND']);
  });
});
