import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { blockDataHash, blockEnvelopes, blockHeaderHash } from './protocol/block';
import type { EmbeddedNetwork } from './embedded-network';
import { CommitError, SubmitError } from './errors';
import type { Signer } from './protocol/signer';
import { startTestNetwork } from './testing/test-network';
import { assetCall, evaluateText, rejectionOf } from './testing/test-helpers';

describe('embedded network: ordering, validation and commit', () => {
  let network: EmbeddedNetwork;
  let cleanup: () => Promise<void>;
  let user: Signer;

  beforeEach(async () => {
    ({ network, cleanup } = await startTestNetwork());
    user = await network.crypto.enrollUser('Org1MSP', 'alice', { role: 'tester' });
  });
  afterEach(() => cleanup());

  const query = (fn: string, args: string[]) => evaluateText(network, user, assetCall(fn, args));

  it('chains every block to the previous header hash and to the hash of its own data', async () => {
    for (let i = 0; i < 3; i++) await network.submit(user, assetCall('Put', [`chain${i}`, 'v']));
    for (let n = 1; n < network.height('alpha'); n++) {
      const previous = (await network.getBlock('alpha', n - 1))!;
      const block = (await network.getBlock('alpha', n))!;
      expect(block.getHeader()!.getNumber()).to.equal(n);
      expect(
        Buffer.from(block.getHeader()!.getPreviousHash_asU8()).equals(blockHeaderHash(previous.getHeader()!)),
      ).to.equal(true);
      expect(
        Buffer.from(block.getHeader()!.getDataHash_asU8()).equals(blockDataHash(blockEnvelopes(block))),
      ).to.equal(true);
    }
  });

  it('cuts a block when it reaches the maximum message count', async () => {
    const before = network.height('alpha');
    const endorsed = await Promise.all(
      Array.from({ length: 25 }, (_, i) => network.endorse(user, assetCall('Put', [`count${i}`, 'v']))),
    );
    await Promise.all(endorsed.map((tx) => network.submitEndorsed(tx)));
    const sizes: number[] = [];
    for (let n = before; n < network.height('alpha'); n++)
      sizes.push(blockEnvelopes((await network.getBlock('alpha', n))!).length);
    expect(sizes.reduce((a, b) => a + b, 0)).to.equal(25);
    expect(Math.max(...sizes)).to.equal(10);
  });

  it('cuts a lone transaction into a block when the batch timeout expires', async () => {
    const { blockNumber } = await network.submit(user, assetCall('Put', ['lonely', 'v']));
    expect(blockEnvelopes((await network.getBlock('alpha', blockNumber))!)).to.have.length(1);
  });

  it('starts a new block rather than exceed the preferred block size', async () => {
    const big = 'x'.repeat(40_000);
    const results = await Promise.all(
      [0, 1].map((i) => network.submit(user, assetCall('Put', [`big${i}`, big]))),
    );
    expect(results[0]!.blockNumber).to.not.equal(results[1]!.blockNumber);
  });

  it('refuses a transaction larger than the absolute maximum block size', async () => {
    const error = await rejectionOf(network.submit(user, assetCall('Put', ['huge', 'x'.repeat(140_000)])));
    expect(error).to.be.instanceOf(SubmitError);
    expect(error.message).to.match(/exceeds the channel's absolute maximum/);
    expect(await query('Get', ['huge'])).to.equal('');
  });

  it('marks exactly one of two transactions that read the same key valid, the other MVCC_READ_CONFLICT', async () => {
    await network.submit(user, assetCall('Put', ['counter', 'x']));
    const first = await network.endorse(user, assetCall('Append', ['counter', 'a']));
    const second = await network.endorse(user, assetCall('Append', ['counter', 'b']));
    const outcomes = await Promise.allSettled([
      network.submitEndorsed(first),
      network.submitEndorsed(second),
    ]);
    const valid = outcomes.filter((o) => o.status === 'fulfilled');
    const invalid = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(valid).to.have.length(1);
    expect(invalid).to.have.length(1);
    expect(invalid[0]!.reason).to.be.instanceOf(CommitError);
    expect(invalid[0]!.reason.validationCodeName).to.equal('MVCC_READ_CONFLICT');
    expect(['xa', 'xb']).to.include(await query('Get', ['counter']));
    const loser = await network.getTransaction('alpha', invalid[0]!.reason.txId);
    expect(loser?.validationCodeName).to.equal('MVCC_READ_CONFLICT');
  });

  it('marks a transaction whose range query result changed PHANTOM_READ_CONFLICT', async () => {
    await network.submit(user, assetCall('Put', ['p1', 'v']));
    const counting = await network.endorse(user, assetCall('CountRange', ['p', 'q', 'p-count']));
    await network.submit(user, assetCall('Put', ['p2', 'v']));
    const error = await rejectionOf(network.submitEndorsed(counting));
    expect(error).to.be.instanceOf(CommitError);
    expect(error.validationCodeName).to.equal('PHANTOM_READ_CONFLICT');
    expect(await query('Get', ['p-count'])).to.equal('');
  });

  it('re-checks only the part of a range a transaction actually fetched', async () => {
    const keys = Array.from({ length: 150 }, (_, i) => `pg${String(i).padStart(3, '0')}`);
    const puts = await Promise.all(keys.map((key) => network.endorse(user, assetCall('Put', [key, 'v']))));
    await Promise.all(puts.map((tx) => network.submitEndorsed(tx)));

    const beyondFetched = await network.endorse(user, assetCall('FirstOfRange', ['pg', 'ph', 'first-a']));
    await network.submit(user, assetCall('Put', ['pg120x', 'v']));
    expect((await network.submitEndorsed(beyondFetched)).result.toString()).to.equal('pg000');

    const withinFetched = await network.endorse(user, assetCall('FirstOfRange', ['pg', 'ph', 'first-b']));
    await network.submit(user, assetCall('Put', ['pg050x', 'v']));
    const error = await rejectionOf(network.submitEndorsed(withinFetched));
    expect(error.validationCodeName).to.equal('PHANTOM_READ_CONFLICT');
  });

  it('marks a transaction without the endorsements its policy requires ENDORSEMENT_POLICY_FAILURE and applies nothing', async () => {
    const error = await rejectionOf(
      network.submit(user, assetCall('Put', ['underendorsed', 'v']), { endorsingOrganizations: ['Org1MSP'] }),
    );
    expect(error).to.be.instanceOf(CommitError);
    expect(error.validationCodeName).to.equal('ENDORSEMENT_POLICY_FAILURE');
    expect(await query('Get', ['underendorsed'])).to.equal('');
    const block = await network.describeBlock('alpha', error.blockNumber as number);
    expect(block?.transactions[0]?.event).to.equal(undefined);
  });

  it('enforces a key-level endorsement policy set with setStateValidationParameter', async () => {
    await network.submit(user, assetCall('Put', ['guarded', 'v0']));
    await network.submit(user, assetCall('SetKeyPolicy', ['guarded', JSON.stringify(['Org3MSP'])]));
    const error = await rejectionOf(
      network.submit(user, assetCall('Put', ['guarded', 'v1']), {
        endorsingOrganizations: ['Org1MSP', 'Org2MSP'],
      }),
    );
    expect(error.validationCodeName).to.equal('ENDORSEMENT_POLICY_FAILURE');
    const { txId } = await network.submit(user, assetCall('Put', ['guarded', 'v2']));
    expect((await network.getTransaction('alpha', txId))?.endorsements.map((e) => e.mspId)).to.include(
      'Org3MSP',
    );
    expect(await query('Get', ['guarded'])).to.equal('v2');
  });

  it('rejects a transaction whose ID was already committed', async () => {
    const endorsed = await network.endorse(user, assetCall('Put', ['once', 'v']));
    await network.submitEndorsed(endorsed);
    const error = await rejectionOf(network.submitEndorsed(endorsed));
    expect(error.validationCodeName).to.equal('DUPLICATE_TXID');
  });

  it('keeps private data only on member organisations and only its hash in the block', async () => {
    const secret = 'personal-data-of-alice';
    const { blockNumber } = await network.submit(user, {
      ...assetCall('PutPrivate', ['Org1Private', 'alice']),
      transient: { value: secret },
    });
    const ledger = network.ledger('alpha');
    expect(
      (await ledger.getPrivateData('Org1MSP', 'assets', 'Org1Private', 'alice'))?.value.toString(),
    ).to.equal(secret);
    expect(await ledger.getPrivateData('Org2MSP', 'assets', 'Org1Private', 'alice')).to.equal(undefined);
    expect(await ledger.getPrivateData('Org3MSP', 'assets', 'Org1Private', 'alice')).to.equal(undefined);
    const blockBytes = Buffer.from((await network.getBlock('alpha', blockNumber))!.serializeBinary());
    expect(blockBytes.includes(secret)).to.equal(false);
    expect(blockBytes.includes(createHash('sha256').update(secret).digest())).to.equal(true);
    expect(await query('GetPrivate', ['Org1Private', 'alice'])).to.equal(secret);
  });

  it("gives a non-member Fabric's read-access error for a member-only collection", async () => {
    await network.submit(user, {
      ...assetCall('PutPrivate', ['Org1Private', 'bob']),
      transient: { value: 'bob-data' },
    });
    const org2 = await network.crypto.enrollUser('Org2MSP', 'bob', { role: 'tester' });
    const error = await rejectionOf(network.evaluate(org2, assetCall('GetPrivate', ['Org1Private', 'bob'])));
    expect(error.message).to.match(
      /tx creator does not have read access permission on privatedata in chaincodeName:assets collectionName: Org1Private/,
    );
  });

  it("fails a read on a non-member peer with Fabric's GET_STATE error, for a collection open to all readers", async () => {
    const { blockNumber } = await network.submit(user, {
      ...assetCall('PutPrivate', ['SharedPrivate', 'open']),
      transient: { value: 'shared' },
    });
    const org3 = await network.crypto.enrollUser('Org3MSP', 'carol', { role: 'tester' });
    const error = await rejectionOf(
      network.evaluate(org3, assetCall('GetPrivate', ['SharedPrivate', 'open'])),
    );
    expect(error.message).to.match(
      new RegExp(
        `GET_STATE failed: transaction ID: [0-9a-f]{64}: private data matching public hash version is not available\\. ` +
          `Public hash version = \\{BlockNum: ${blockNumber}, TxNum: 0\\}, Private data version = <nil>`,
      ),
    );
    expect(
      await evaluateText(network, org3, assetCall('GetPrivate', ['SharedPrivate', 'never-written'])),
    ).to.equal('');
    const org2 = await network.crypto.enrollUser('Org2MSP', 'bob', { role: 'tester' });
    expect(await evaluateText(network, org2, assetCall('GetPrivate', ['SharedPrivate', 'open']))).to.equal(
      'shared',
    );
  });
});
