import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { EmbeddedNetwork } from './embedded-network';
import type { Signer } from './protocol/signer';
import { startTestNetwork } from './testing/test-network';
import { assetCall, evaluateText, rejectionOf } from './testing/test-helpers';

for (const runner of ['in-process', 'worker'] as const)
  describe(`embedded network: simulation semantics, chaincode ${runner === 'worker' ? 'in a worker per organisation' : 'in process'}`, () => {
    let network: EmbeddedNetwork;
    let cleanup: () => Promise<void>;
    let user: Signer;

    before(async () => {
      ({ network, cleanup } = await startTestNetwork(undefined, { chaincodeWorkers: runner === 'worker' }));
      user = await network.crypto.enrollUser('Org1MSP', 'alice', { role: 'tester' });
    });
    after(() => cleanup());

    const submit = (fn: string, args: string[] = [], channel = 'alpha') =>
      network.submit(user, assetCall(fn, args, channel));
    const query = (fn: string, args: string[] = [], channel = 'alpha') =>
      evaluateText(network, user, assetCall(fn, args, channel));

    it('does not let a transaction read its own writes', async () => {
      await submit('Put', ['ryw', 'committed']);
      const { result } = await submit('PutThenGet', ['ryw', 'uncommitted']);
      expect(result.toString()).to.equal('committed');
      expect(await query('Get', ['ryw'])).to.equal('uncommitted');
    });

    it("records a transaction's writes in the order the chaincode made them, around its reads", async () => {
      await submit('Put', ['order', 'committed']);
      const { result } = await submit('RewriteAroundRead', ['order', 'final']);
      expect(result.toString()).to.equal('committed');
      expect(await query('Get', ['order'])).to.equal('final');
      await submit('Delete', ['order']);
      await submit('RewriteAroundRead', ['order', 'again']);
      expect(await query('Get', ['order'])).to.equal('again');
    });

    it('answers range queries in key order, without composite keys', async () => {
      for (const key of ['rng3', 'rng1', 'rng2', 'rnh1']) await submit('Put', [key, key]);
      await submit('PutOwned', ['ann', 'x1', 'composite']);
      expect(JSON.parse(await query('Range', ['rng', 'rnh']))).to.deep.equal(['rng1', 'rng2', 'rng3']);
      expect(JSON.parse(await query('Range', ['', '']))).to.not.include.members([
        '\u0000asset\u0000ann\u0000x1\u0000',
      ]);
    });

    it('finds records by partial composite key and pages through them with bookmarks', async () => {
      for (const id of ['a1', 'a2', 'a3', 'a4', 'a5']) await submit('PutOwned', ['owner1', id, `v-${id}`]);
      await submit('PutOwned', ['owner2', 'b1', 'other']);
      expect(JSON.parse(await query('ListOwned', ['owner1']))).to.have.length(5);
      const first = JSON.parse(await query('ListOwnedPage', ['owner1', '2', '']));
      expect(first.ids).to.deep.equal(['a1', 'a2']);
      const second = JSON.parse(await query('ListOwnedPage', ['owner1', '2', first.bookmark]));
      expect(second.ids).to.deep.equal(['a3', 'a4']);
      const last = JSON.parse(await query('ListOwnedPage', ['owner1', '2', second.bookmark]));
      expect(last).to.deep.equal({ ids: ['a5'], bookmark: '' });
    });

    it('refuses paginated queries in a transaction that writes', async () => {
      const error = await rejectionOf(submit('PageAndWrite', ['owner1']));
      expect(error.message).to.match(/paginated queries are supported only in a read-only transaction/);
    });

    it('returns the history of a key, newest first, including deletes', async () => {
      const t1 = await submit('Put', ['hist', 'one']);
      const t2 = await submit('Put', ['hist', 'two']);
      const t3 = await submit('Delete', ['hist']);
      const history = JSON.parse(await query('History', ['hist']));
      expect(history.map((h: { txId: string }) => h.txId)).to.deep.equal([t3.txId, t2.txId, t1.txId]);
      expect(history.map((h: { value: string; isDelete: boolean }) => [h.value, h.isDelete])).to.deep.equal([
        ['', true],
        ['two', false],
        ['one', false],
      ]);
    });

    it('passes transient data to the chaincode without putting it in the block', async () => {
      const secret = 'transient-secret-4711';
      const { txId, blockNumber } = await network.submit(user, {
        ...assetCall('PutPrivate', ['Org1Private', 'p1']),
        transient: { value: secret },
      });
      const block = await network.getBlock('alpha', blockNumber);
      expect(Buffer.from(block!.serializeBinary()).includes(secret)).to.equal(false);
      expect((await network.getTransaction('alpha', txId))?.validationCodeName).to.equal('VALID');
    });

    it('calls another chaincode on the same channel within the same transaction', async () => {
      await network.submit(user, {
        channel: 'alpha',
        chaincode: 'other',
        function: 'Put',
        args: ['shared', 'from-other'],
      });
      const { result } = await submit('CallOther', ['other', 'Get', JSON.stringify(['shared']), '']);
      expect(JSON.parse(result.toString())).to.deep.equal({ status: 200, payload: 'from-other' });
    });

    it('queries a chaincode on another channel without joining its writes to the transaction', async () => {
      await submit('Put', ['alpha-key', 'on-alpha']);
      const read = await submit(
        'CallOther',
        ['assets', 'Get', JSON.stringify(['alpha-key']), 'alpha'],
        'beta',
      );
      expect(JSON.parse(read.result.toString())).to.deep.equal({ status: 200, payload: 'on-alpha' });
      const { txId, result } = await submit(
        'CallOther',
        ['assets', 'Put', JSON.stringify(['leak', 'x']), 'alpha'],
        'beta',
      );
      expect(JSON.parse(result.toString()).status).to.equal(200);
      expect(await query('Get', ['leak'])).to.equal('');
      const tx = await network.getTransaction('beta', txId);
      expect(tx?.readWriteSet?.every((ns) => ns.writes.length === 0)).to.equal(true);
    });

    it('records the chaincode event with the transaction', async () => {
      const { txId } = await submit('Put', ['evented', 'v']);
      const tx = await network.getTransaction('alpha', txId);
      expect(tx?.event).to.deep.equal({ name: 'Put', payload: { key: 'evented', value: 'v' } });
    });

    it('exposes the hash of private data to every channel member', async () => {
      await network.submit(user, {
        ...assetCall('PutPrivate', ['SharedPrivate', 'h1']),
        transient: { value: 'hashed' },
      });
      const org3 = await network.crypto.enrollUser('Org3MSP', 'carol', { role: 'tester' });
      const hash = await evaluateText(network, org3, assetCall('GetPrivateHash', ['SharedPrivate', 'h1']));
      expect(hash).to.equal(createHash('sha256').update('hashed').digest('hex'));
    });

    it('serves the contract metadata through the built-in system contract', async () => {
      const metadata = JSON.parse(await query('org.hyperledger.fabric:GetMetadata'));
      expect(Object.keys(metadata.contracts)).to.include('assets');
      expect(metadata.contracts.assets.transactions.map((t: { name: string }) => t.name)).to.include(
        'PutThenGet',
      );
    });

    it('refuses a number parameter that is not a number, before and after valid calls', async () => {
      expect((await rejectionOf(submit('PutCount', ['n0', '"seven"']))).message).to.match(
        /fromBuffer could not convert data to number/,
      );
      for (const count of ['1', '2', '3']) await submit('PutCount', ['n1', count]);
      expect(await query('Get', ['n1'])).to.equal('3');
      expect((await rejectionOf(submit('PutCount', ['n2', 'true']))).message).to.match(
        /fromBuffer could not convert/,
      );
    });

    it('checks an object parameter against its component schema on every call', async () => {
      await submit('PutLabel', ['l1', JSON.stringify({ text: 'north gate', priority: 2 })]);
      await submit('PutLabel', ['l1', JSON.stringify({ text: 'south gate', priority: 5 })]);
      expect(await query('Get', ['l1'])).to.equal('south gate/5');
      const wrongType = await rejectionOf(
        submit('PutLabel', ['l2', JSON.stringify({ text: 'x', priority: 'high' })]),
      );
      expect(wrongType.message).to.match(/Unable to validate parameter.*should be number/);
      const wrongShape = await rejectionOf(submit('PutLabel', ['l2', '[1]']));
      expect(wrongShape.message).to.match(/Unable to validate parameter.*should be object/);
      expect(await query('Get', ['l2'])).to.equal('');
    });

    it('keeps one validator per parameter: a label never passes as a count', async () => {
      await submit('PutLabel', ['l3', JSON.stringify({ text: 'east', priority: 1 })]);
      const error = await rejectionOf(
        submit('PutCount', ['n3', JSON.stringify({ text: 'east', priority: 1 })]),
      );
      expect(error.message).to.match(/fromBuffer could not convert/);
      const label = await rejectionOf(submit('PutLabel', ['l3', '7']));
      expect(label.message).to.match(/Unable to validate parameter.*should be object/);
    });

    it('still describes every component schema in full in the metadata', async () => {
      const metadata = JSON.parse(await query('org.hyperledger.fabric:GetMetadata'));
      expect(metadata.components.schemas.AssetLabel.properties).to.deep.equal({
        text: { type: 'string' },
        priority: { type: 'number' },
      });
    });
  });
