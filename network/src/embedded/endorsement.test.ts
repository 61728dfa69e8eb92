import { expect } from 'chai';
import sinon from 'sinon';
import type { EmbeddedNetwork } from './embedded-network';
import { EndorseError } from './errors';
import { EndorsingPeer } from './peer/endorsing-peer';
import type { Signer } from './protocol/signer';
import { startTestNetwork } from './testing/test-network';
import { assetCall, evaluateText, rejectionOf } from './testing/test-helpers';

for (const runner of ['in-process', 'worker'] as const)
  describe(`embedded network: endorsement, chaincode ${runner === 'worker' ? 'in a worker per organisation' : 'in process'}`, () => {
    let network: EmbeddedNetwork;
    let cleanup: () => Promise<void>;
    let org1User: Signer;
    let org3User: Signer;

    before(async () => {
      ({ network, cleanup } = await startTestNetwork(undefined, { chaincodeWorkers: runner === 'worker' }));
      org1User = await network.crypto.enrollUser('Org1MSP', 'alice', { role: 'tester' });
      org3User = await network.crypto.enrollUser('Org3MSP', 'carol', { role: 'tester' });
    });
    after(() => cleanup());

    it('collects a signed endorsement from a peer of each organisation the policy requires', async () => {
      const { txId } = await network.submit(org1User, assetCall('Put', ['endorsed', 'yes']));
      const tx = await network.getTransaction('alpha', txId);
      expect(tx?.validationCodeName).to.equal('VALID');
      expect(tx?.endorsements.map((e) => e.mspId).sort()).to.deep.equal(['Org1MSP', 'Org2MSP']);
      expect(tx?.endorsements.every((e) => e.subject.includes('OU=peer'))).to.equal(true);
    });

    it('asks the policy-required organisations even when the caller belongs to none of them', async () => {
      const { txId } = await network.submit(org3User, assetCall('Put', ['from-org3', 'x']));
      const tx = await network.getTransaction('alpha', txId);
      expect(tx?.validationCodeName).to.equal('VALID');
      expect(tx?.endorsements.map((e) => e.mspId)).to.include.members(['Org1MSP', 'Org2MSP']);
      expect(tx?.creator.mspId).to.equal('Org3MSP');
    });

    it('fails the submission when endorsers compute different results, and orders nothing', async () => {
      const height = network.height('alpha');
      const error = await rejectionOf(network.submit(org1User, assetCall('PutRandom', ['random'])));
      expect(error).to.be.instanceOf(EndorseError);
      expect(error.message).to.match(/ProposalResponsePayloads do not match/);
      expect(error.reason).to.equal('mismatch');
      expect(network.height('alpha')).to.equal(height);
      expect(await evaluateText(network, org1User, assetCall('Get', ['random']))).to.equal('');
    });

    it('returns the chaincode error message and writes nothing when the chaincode throws', async () => {
      const height = network.height('alpha');
      const error = await rejectionOf(
        network.submit(org1User, assetCall('Fail', ['INVALID_ARGUMENT: amount: must be positive'])),
      );
      expect(error).to.be.instanceOf(EndorseError);
      expect((error as unknown as EndorseError).chaincodeMessage).to.equal(
        'INVALID_ARGUMENT: amount: must be positive',
      );
      expect(network.height('alpha')).to.equal(height);
    });

    it('refuses a proposal from an organisation that is not a member of the channel', async () => {
      const org2User = await network.crypto.enrollUser('Org2MSP', 'bob', { role: 'tester' });
      const error = await rejectionOf(network.submit(org2User, assetCall('Put', ['k', 'v'], 'beta')));
      expect(error).to.be.instanceOf(EndorseError);
      expect(error.message).to.match(/Org2MSP is not a member of channel beta/);
      expect(error.reason).to.equal('access-denied');
    });

    it('says a chaincode is not found when it is defined nowhere on the channel', async () => {
      const error = await rejectionOf(
        network.submit(org1User, { channel: 'beta', chaincode: 'other', function: 'Put', args: ['k', 'v'] }),
      );
      expect(error).to.be.instanceOf(EndorseError);
      expect(error.reason).to.equal('not-found');
      expect(error.message).to.match(/chaincode other is not defined on channel beta/);
    });

    it('gives the chaincode the caller identity and its role attribute through ClientIdentity', async () => {
      const who = JSON.parse(await evaluateText(network, org1User, assetCall('WhoAmI')));
      expect(who.mspId).to.equal('Org1MSP');
      expect(who.role).to.equal('tester');
      expect(Math.abs(Date.parse(who.txTime) - Date.now())).to.be.lessThan(60_000);
    });

    describe('transient data and private data collections, as the Fabric Gateway guards them', () => {
      afterEach(() => sinon.restore());

      /** The organisations whose peers received the proposal (and so its transient data). */
      function recordReceivers(): () => string[] {
        const spy = sinon.spy(EndorsingPeer.prototype, 'processProposal');
        return () => spy.thisValues.map((peer) => (peer as EndorsingPeer).mspId);
      }

      it("refuses, with the Gateway's message, transient data whose writes need an organisation outside the collection", async () => {
        const height = network.height('alpha');
        const receivers = recordReceivers();
        const error = await rejectionOf(
          network.submit(org1User, {
            ...assetCall('PutPrivate', ['Org1Only', 'secret']),
            transient: { value: 's3cret' },
          }),
        );
        expect(error).to.be.instanceOf(EndorseError);
        expect(error.message).to.equal(
          'requires endorsement from organisation(s) that are not in the distribution policy of the private data collection(s): [Org1Only]; retry specifying trusted endorsing organizations to protect transient data',
        );
        expect(error.reason).to.equal('private-data-distribution');
        expect(receivers(), 'only the first, member endorser saw the transient data').to.deep.equal([
          'Org1MSP',
        ]);
        expect(network.height('alpha')).to.equal(height);
      });

      it('lets a collection-level endorsement policy keep transient data on the collection members', async () => {
        const receivers = recordReceivers();
        const { txId } = await network.submit(org1User, {
          ...assetCall('PutPrivate', ['Org1Private', 'guarded']),
          transient: { value: 'kept-on-org1' },
        });
        const tx = await network.getTransaction('alpha', txId);
        expect(tx?.validationCodeName).to.equal('VALID');
        expect(tx?.endorsements.map((e) => e.mspId)).to.deep.equal(['Org1MSP']);
        expect(receivers()).to.deep.equal(['Org1MSP']);
      });

      it('lets transient data reach every endorser when all of them are collection members', async () => {
        const { txId } = await network.submit(org1User, {
          ...assetCall('PutPrivate', ['SharedPrivate', 'both']),
          transient: { value: 'org1-and-org2' },
        });
        const tx = await network.getTransaction('alpha', txId);
        expect(tx?.validationCodeName).to.equal('VALID');
        expect(tx?.endorsements.map((e) => e.mspId).sort()).to.deep.equal(['Org1MSP', 'Org2MSP']);
      });

      it('leaves the choice to a client that names the endorsing organisations itself, as Fabric does', async () => {
        const { txId } = await network.submit(
          org1User,
          { ...assetCall('PutPrivate', ['Org1Only', 'trusted']), transient: { value: 'client-chose' } },
          { endorsingOrganizations: ['Org1MSP', 'Org2MSP'] },
        );
        expect((await network.getTransaction('alpha', txId))?.validationCodeName).to.equal('VALID');
      });
    });
  });
