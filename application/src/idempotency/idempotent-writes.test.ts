import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import {
  type HttpAnswer,
  type TestGateway,
  registerOrganisation,
  startTestGateway,
  uniqueId,
} from '../testing/test-gateway';

describe('writes that survive retries and slow ledgers', () => {
  // One data directory across a restart: answers and statuses must outlive the process's memory.
  const dataDir = mkdtempSync(join(tmpdir(), 'cityledger-idempotent-writes-'));
  let gateway: TestGateway;
  let organiser: string;
  let campaign: string;
  let organiserDid: string;
  const civic = '/api/v1/channels/civic';

  const start = async () => {
    gateway = await startTestGateway({ CITYLEDGER_DATA_DIR: dataDir });
    organiser = gateway.token('olga', 'CommunityMSP', 'admin');
  };
  const donate = (key: string | undefined, amountCents: number, headers: Record<string, string> = {}) =>
    gateway.request('POST', `${campaign}/donations`, {
      token: organiser,
      // The organiser records a gift in the name of its own organisation: the same body can be sent twice.
      body: { amountCents, currency: 'EUR', donorDid: organiserDid },
      headers: { ...(key ? { 'Idempotency-Key': key } : {}), ...headers },
    });
  const donations = async (): Promise<unknown[]> =>
    (await gateway.request('GET', `${campaign}/donations`, { token: organiser })).body.records;
  const createCampaign = (campaignId: string, key?: string) =>
    gateway.request('POST', `${civic}/campaigns`, {
      token: organiser,
      body: {
        campaignId,
        organiserDid,
        title: 'Winter shelter',
        goalCents: 100000,
        currency: 'EUR',
        deadline: '2099-06-30T00:00:00Z',
        beneficiaryDids: [organiserDid],
        milestones: [{ description: 'Buy 40 beds', amountCents: 100000, evidenceRequired: 'invoice' }],
      },
      ...(key ? { headers: { 'Idempotency-Key': key } } : {}),
    });
  const statusUntilSettled = async (url: string, token: string): Promise<HttpAnswer> => {
    for (let i = 0; i < 100; i++) {
      const answer = await gateway.request('GET', url, { token });
      if (answer.status !== 200 || answer.body.status !== 'pending') return answer;
      await sleep(50);
    }
    throw new Error(`${url} stayed pending`);
  };

  before(async () => {
    await start();
    organiserDid = await registerOrganisation(gateway, organiser, 'Night Shelter Association');
    const campaignId = uniqueId('shelter');
    const created = await createCampaign(campaignId);
    expect(created.status).to.equal(201);
    campaign = `${civic}/campaigns/${campaignId}`;
  });
  after(async () => {
    await gateway.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('makes one donation of a donation posted twice with one key, and replays the first answer', async () => {
    const before = (await donations()).length;
    const first = await donate('donation-1', 2500);
    expect(first.status).to.equal(201);
    expect(first.headers.get('idempotent-replayed')).to.equal(null);
    const retry = await donate('donation-1', 2500);
    expect(retry.status).to.equal(201);
    expect(retry.headers.get('idempotent-replayed')).to.equal('true');
    expect(retry.body).to.deep.equal(first.body);
    expect(retry.headers.get('location')).to.equal(first.headers.get('location'));
    expect(retry.headers.get('x-transaction-id')).to.equal(first.headers.get('x-transaction-id'));
    expect(await donations()).to.have.length(before + 1);
  });

  it('makes two donations of the same body posted without a key (why keys are needed)', async () => {
    const before = (await donations()).length;
    expect((await donate(undefined, 100)).status).to.equal(201);
    expect((await donate(undefined, 100)).status).to.equal(201);
    expect(await donations()).to.have.length(before + 2);
  });

  it('refuses the key with another body (422 naming the key) and a malformed key (400)', async () => {
    expect((await donate('donation-2', 1000)).status).to.equal(201);
    const other = await donate('donation-2', 9999);
    expect(other.status).to.equal(422);
    expect(other.body.error.code).to.equal('IDEMPOTENCY_KEY_REUSED');
    expect(other.body.error.message).to.include('"donation-2"');
    for (const bad of ['has space', 'x'.repeat(256), 'ünïcode']) {
      const answer = await donate(bad, 1000);
      expect(answer.status, bad).to.equal(400);
      expect(answer.body.error.field).to.equal('Idempotency-Key');
    }
  });

  it('scopes keys to the caller: another user with the same key makes their own donation', async () => {
    const first = await donate('shared-key', 700);
    const colleague = gateway.token('oscar', 'CommunityMSP', 'admin');
    const theirs = await gateway.request('POST', `${campaign}/donations`, {
      token: colleague,
      body: { amountCents: 700, currency: 'EUR', donorDid: organiserDid },
      headers: { 'Idempotency-Key': 'shared-key' },
    });
    expect(theirs.status).to.equal(201);
    expect(theirs.headers.get('idempotent-replayed')).to.equal(null);
    expect(theirs.body.donationId).to.not.equal(first.body.donationId);
  });

  it('answers 409 to a retry while the first request is still running', async () => {
    const [a, b] = await Promise.all([donate('donation-3', 300), donate('donation-3', 300)]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).to.deep.equal([201, 409]);
    const conflict = a.status === 409 ? a : b;
    expect(conflict.body.error.code).to.equal('IDEMPOTENT_REQUEST_IN_PROGRESS');
  });

  it('answers a retried creation with its first answer, not with the 409 of "it exists"', async () => {
    const campaignId = uniqueId('campaign');
    const create = (key: string) => createCampaign(campaignId, key);
    const first = await create(`create-${campaignId}`);
    expect(first.status).to.equal(201);
    const retry = await create(`create-${campaignId}`);
    expect([retry.status, retry.headers.get('idempotent-replayed')]).to.deep.equal([201, 'true']);
    expect(retry.body).to.deep.equal(first.body);
    // Another client's duplicate, or one without a key, is told the record exists; that refusal is
    // kept under its own key too.
    const duplicate = await create('someone-else-s-attempt');
    expect([duplicate.status, duplicate.body.error.code]).to.deep.equal([409, 'CONFLICT']);
    const duplicateRetry = await create('someone-else-s-attempt');
    expect([duplicateRetry.status, duplicateRetry.headers.get('idempotent-replayed')]).to.deep.equal([
      409,
      'true',
    ]);
    expect(duplicateRetry.body).to.deep.equal(duplicate.body);
  });

  it('answers 202 to Prefer: respond-async, and the status reaches committed with its block', async () => {
    const accepted = await donate('async-1', 1200, { prefer: 'respond-async' });
    expect(accepted.status).to.equal(202);
    expect(accepted.headers.get('preference-applied')).to.equal('respond-async');
    const { txId } = accepted.body;
    expect(txId).to.match(/^[0-9a-f]{64}$/);
    const statusUrl = `${civic}/transactions/${txId}/status`;
    expect(accepted.headers.get('location')).to.equal(statusUrl);
    expect(accepted.body).to.deep.equal({ txId, status: 'pending', statusUrl });

    const settled = await statusUntilSettled(statusUrl, organiser);
    expect(settled.status).to.equal(200);
    expect(settled.body).to.include({ txId, channel: 'civic', status: 'committed', validationCode: 'VALID' });
    expect(settled.body.blockNumber).to.be.a('number');
    // Donation ids are the ids of the transactions that created them.
    const donation = await gateway.request('GET', `${campaign}/donations/${txId}`, { token: organiser });
    expect([donation.status, donation.body.amountCents]).to.deep.equal([200, 1200]);

    const retry = await donate('async-1', 1200, { prefer: 'respond-async' });
    expect([retry.status, retry.body.txId, retry.headers.get('idempotent-replayed')]).to.deep.equal([
      202,
      txId,
      'true',
    ]);
  });

  it('refuses at once, not with a 202, what the chaincode refuses at endorsement', async () => {
    const refused = await gateway.request('POST', `${civic}/campaigns/no-such-campaign/donations`, {
      token: organiser,
      body: { amountCents: 100, currency: 'EUR', donorDid: organiserDid },
      headers: { prefer: 'respond-async' },
    });
    expect(refused.status).to.equal(404);
  });

  it('lets channel members read a status and nobody else; an unknown transaction is a 404', async () => {
    const accepted = await donate(undefined, 50, { prefer: 'respond-async' });
    const statusUrl = accepted.headers.get('location')!;
    const auditor = gateway.token('audrey', 'AuditorMSP', 'citizen');
    expect((await statusUntilSettled(statusUrl, auditor)).body.status).to.equal('committed');
    const utility = gateway.token('uma', 'UtilityMSP', 'operator');
    const outsider = await gateway.request('GET', statusUrl, { token: utility });
    expect([outsider.status, outsider.body.error.code]).to.deep.equal([403, 'NOT_A_CHANNEL_MEMBER']);
    const unknown = await gateway.request('GET', `${civic}/transactions/${'0'.repeat(64)}/status`, {
      token: organiser,
    });
    expect(unknown.status).to.equal(404);
  });

  it('after a restart on the same data directory, still replays answers and knows committed statuses', async () => {
    const first = await donate('before-restart', 4200);
    expect(first.status).to.equal(201);
    const accepted = await donate('async-before-restart', 4300, { prefer: 'respond-async' });
    const statusUrl = accepted.headers.get('location')!;
    const committed = await statusUntilSettled(statusUrl, organiser);
    const count = (await donations()).length;

    await gateway.stop();
    await start();

    const retry = await donate('before-restart', 4200);
    expect(retry.status, JSON.stringify(retry.body)).to.equal(201);
    expect([retry.status, retry.headers.get('idempotent-replayed')]).to.deep.equal([201, 'true']);
    expect(retry.body).to.deep.equal(first.body);
    const asyncRetry = await donate('async-before-restart', 4300, { prefer: 'respond-async' });
    expect([asyncRetry.status, asyncRetry.body.txId]).to.deep.equal([202, accepted.body.txId]);
    expect((await gateway.request('GET', statusUrl, { token: organiser })).body).to.deep.equal(
      committed.body,
    );
    // A transaction the gateway did not follow: the ledger answers.
    const ledgerStatus = await gateway.request(
      'GET',
      `${civic}/transactions/${first.headers.get('x-transaction-id')}/status`,
      { token: organiser },
    );
    expect(ledgerStatus.body).to.include({ status: 'committed', validationCode: 'VALID' });
    expect(ledgerStatus.body.blockNumber).to.equal(Number(first.headers.get('x-block-number')));
    expect(await donations()).to.have.length(count);
  });

  it('documents the header parameters, the 202 answer and the status route in /openapi.json', async () => {
    const document = (await gateway.request('GET', '/openapi.json')).body;
    const donate = document.paths['/api/v1/channels/{channel}/campaigns/{campaignId}/donations'].post;
    const headers = donate.parameters
      .filter((p: { in: string }) => p.in === 'header')
      .map((p: { name: string }) => p.name);
    expect(headers).to.include.members(['Idempotency-Key', 'Prefer']);
    expect(donate.responses).to.have.property('202');
    expect(donate.responses).to.have.property('422');
    expect(document.paths).to.have.property('/api/v1/channels/{channel}/transactions/{txId}/status');
  });
});
