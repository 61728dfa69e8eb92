/**
 * The land-registry contract on the embedded network of the real consortium
 * (network/consortium.yaml): the identity chaincode installed beside it for DIDs and resident
 * credentials, real X.509 identities whose certificates carry `role` and `did` attributes, the
 * `AND('CityMSP.peer', 'AuditorMSP.peer')` endorsement policy, MVCC validation and chaincode events.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '@cityledger/chaincode-common';
import { contracts as identityContracts } from '@cityledger/chaincode-identity';
import {
  contracts,
  type Encumbrance,
  type LandParcel,
  type LandTitle,
  type ParcelHoldingPage,
  type ParcelTransfer,
  type ProvenanceEntry,
  SHARE_DENOMINATOR,
} from '@cityledger/chaincode-land-registry';
import {
  CommitError,
  EndorseError,
  evaluateSignaturePolicy,
  type EmbeddedNetwork,
  type Signer,
} from '@cityledger/network';
import { rejectionOf, startConsortiumNetwork } from '@cityledger/network/testing';
import { expect } from 'chai';
import { ChaincodeEvents } from './testing/chaincode-events';
import { registerPersonOnNetwork } from './testing/register-person';

const CIVIC = 'civic';
const CHAINCODE = 'land-registry';

const did = (id: string) => `did:cityledger:civic:${id}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const owners = (...entries: Array<[string, number]>) =>
  JSON.stringify(entries.map(([id, shares]) => ({ did: did(id), shares })));

/** An axis-aligned rectangle as a closed GeoJSON ring [lon, lat]. */
function rectangle(west: number, south: number, east: number, north: number) {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [west, south],
        [east, south],
        [east, north],
        [west, north],
        [west, south],
      ],
    ],
  };
}

const P1_GEOMETRY = rectangle(4.35, 50.85, 4.351, 50.851);

describe('land-registry chaincode on the embedded consortium network', () => {
  let network: EmbeddedNetwork;
  let cleanup: () => Promise<void>;
  let registrar: Signer;
  let auditor: Signer;
  const parties = new Map<string, Signer>();
  let events: ChaincodeEvents;
  /** Every land-registry transaction the flow committed. */
  const committed: string[] = [];

  const request = (fn: string, args: string[]) => ({
    channel: CIVIC,
    chaincode: CHAINCODE,
    function: fn,
    args,
  });
  const submit = async (user: Signer, fn: string, args: string[]) => {
    const result = await network.submit(user, request(fn, args));
    committed.push(result.txId);
    return result;
  };
  /** Endorses all first, then orders all at once: each must commit VALID. */
  const submitConcurrently = async (calls: Array<[Signer, string, string[]]>) => {
    const endorsed = await Promise.all(
      calls.map(([user, fn, args]) => network.endorse(user, request(fn, args))),
    );
    const results = await Promise.all(endorsed.map((tx) => network.submitEndorsed(tx)));
    committed.push(...results.map((r) => r.txId));
    return results;
  };
  const evaluate = async <T>(fn: string, args: string[], user = auditor): Promise<T> =>
    JSON.parse((await network.evaluate(user, request(fn, args))).toString()) as T;
  const party = (name: string) => parties.get(name)!;
  const titleOf = (parcelId: string) => evaluate<LandTitle>('GetTitle', [parcelId]);
  const eventOf = (txId: string) => events.of(txId);
  const expectRefused = async (user: Signer, fn: string, args: string[], message: RegExp) => {
    const height = network.height(CIVIC);
    const error = await rejectionOf(network.submit(user, request(fn, args)));
    expect(error).to.be.instanceOf(EndorseError);
    expect((error as unknown as EndorseError).chaincodeMessage).to.match(message);
    expect(network.height(CIVIC), 'a refused proposal orders nothing').to.equal(height);
  };

  before(async () => {
    ({ network, cleanup } = await startConsortiumNetwork({
      identity: identityContracts,
      [CHAINCODE]: contracts,
    }));
    registrar = await network.crypto.enrollUser('CityMSP', 'land-registrar', { role: 'registrar' });
    auditor = await network.crypto.enrollUser('AuditorMSP', 'auditor', { role: 'auditor' });
    for (const name of ['alice', 'bob', 'carol', 'dave']) {
      parties.set(
        name,
        await network.crypto.enrollUser('CityMSP', name, { role: 'citizen', did: did(name) }),
      );
    }
    parties.set(
      'bank',
      await network.crypto.enrollUser('CommunityMSP', 'bank', { role: 'admin', did: did('bank') }),
    );
    events = ChaincodeEvents.follow(network, [CIVIC]);

    const identity = (user: Signer, fn: string, args: string[], transient?: Record<string, string>) =>
      network.submit(user, {
        channel: CIVIC,
        chaincode: 'identity',
        function: fn,
        args,
        ...(transient ? { transient } : {}),
      });
    await Promise.all(
      ['alice', 'bob', 'carol', 'dave'].map(async (name) => {
        await registerPersonOnNetwork(network, registrar, CIVIC, name, {
          name,
          birthDate: '1980-01-01',
          address: `${name} lane 1`,
          salt: sha256(`salt of ${name}`),
        });
        await identity(registrar, 'IssueCredential', [
          `resident-${name}`,
          did(name),
          'resident',
          '',
          '2099-01-01T00:00:00Z',
          '',
        ]);
      }),
    );
    await identity(party('bank'), 'RegisterOrganisation', ['bank', 'Community savings bank', '']);

    await submitConcurrently([
      [
        registrar,
        'RegisterParcel',
        [
          'P-1',
          JSON.stringify({ geometry: P1_GEOMETRY }),
          '1000',
          'residential',
          'R2',
          owners(['alice', 10_000]),
          sha256('deed P-1'),
        ],
      ],
      [
        registrar,
        'RegisterParcel',
        [
          'P-2',
          JSON.stringify({ geometryHash: sha256('survey P-2'), geometryRef: 'survey 2025/2' }),
          '800',
          'residential',
          'R2',
          owners(['carol', 10_000]),
          sha256('deed P-2'),
        ],
      ],
      [
        registrar,
        'RegisterParcel',
        [
          'P-3',
          JSON.stringify({ geometry: rectangle(4.36, 50.85, 4.361, 50.851) }),
          '1200',
          'agricultural',
          '',
          owners(['alice', 5000], ['bob', 5000]),
          sha256('deed P-3'),
        ],
      ],
    ]);
    await submitConcurrently([
      [
        registrar,
        'RegisterEncumbrance',
        ['M-1', 'P-1', 'mortgage', did('bank'), '15000000', 'EUR', 'first mortgage', sha256('mortgage M-1')],
      ],
      [
        registrar,
        'RegisterEncumbrance',
        ['M-2', 'P-2', 'mortgage', did('bank'), '9000000', 'EUR', 'first mortgage', sha256('mortgage M-2')],
      ],
    ]);
  });

  after(async () => {
    events?.stop();
    await cleanup?.();
  });

  describe('sales of mortgaged parcels', () => {
    const txIds: Record<string, string> = {};
    const concurrent: string[] = [];
    let approveWithoutBank: Error & Record<string, unknown>;

    before(async () => {
      // Two owners put their parcels up for sale at the same moment.
      const [t1, t2] = await submitConcurrently([
        [
          party('alice'),
          'ProposeTransfer',
          ['T-1', 'P-1', '', owners(['bob', 10_000]), '25000000', 'EUR', sha256('sale T-1')],
        ],
        [
          party('carol'),
          'ProposeTransfer',
          ['T-2', 'P-2', '', owners(['dave', 10_000]), '18000000', 'EUR', sha256('sale T-2')],
        ],
      ]);
      txIds.propose = t1!.txId;
      concurrent.push(t1!.txId, t2!.txId);
      // Both buyers accept while the bank consents to T-2 — the same block may hold all three.
      const consents = await submitConcurrently([
        [party('bob'), 'AcceptTransfer', ['T-1']],
        [party('dave'), 'AcceptTransfer', ['T-2']],
        [party('bank'), 'ConsentToTransfer', ['T-2']],
      ]);
      txIds.accept = consents[0]!.txId;
      concurrent.push(...consents.map((r) => r.txId));
      approveWithoutBank = await rejectionOf(network.submit(registrar, request('ApproveTransfer', ['T-1'])));
      txIds.release = (
        await submit(party('bank'), 'ReleaseEncumbrance', ['M-1', sha256('discharge M-1')])
      ).txId;
      const approvals = await submitConcurrently([
        [registrar, 'ApproveTransfer', ['T-1']],
        [registrar, 'ApproveTransfer', ['T-2']],
      ]);
      txIds.approve = approvals[0]!.txId;
      concurrent.push(...approvals.map((r) => r.txId));
    });

    it('commits concurrent proposals, acceptances, a lender consent and approvals of two parcels all as VALID', async () => {
      expect(concurrent).to.have.length(7);
      for (const txId of concurrent) {
        expect((await network.getTransaction(CIVIC, txId))!.validationCodeName, txId).to.equal('VALID');
      }
    });

    it('lists the buyer and the mortgage lender as pending right after the proposal', async () => {
      const proposed = JSON.parse((await eventOf(txIds.propose!)).payload) as { pendingConsents: unknown[] };
      expect(proposed.pendingConsents).to.deep.equal([
        { capacity: 'buyer', did: did('bob') },
        { capacity: 'encumbrance-holder', did: did('bank'), encumbranceId: 'M-1' },
      ]);
    });

    it('refuses approval while the mortgage holder has neither consented nor released', () => {
      expect(approveWithoutBank).to.be.instanceOf(EndorseError);
      expect((approveWithoutBank as unknown as EndorseError).chaincodeMessage).to.equal(
        `CONFLICT: transfer T-1 still needs the consent of ${did('bank')} (holder of M-1)`,
      );
    });

    it('moves each title whole to its buyer once every consent is given', async () => {
      expect((await titleOf('P-1')).owners).to.deep.equal([{ did: did('bob'), shares: SHARE_DENOMINATOR }]);
      expect((await titleOf('P-2')).owners).to.deep.equal([{ did: did('dave'), shares: SHARE_DENOMINATOR }]);
      const t1 = await evaluate<ParcelTransfer>('GetTransfer', ['T-1']);
      expect(t1).to.include({ status: 'approved' });
      expect(t1.pendingConsents ?? []).to.deep.equal([]);
    });

    it('keeps a mortgage whose lender consented burdening the new owner, and a released one released', async () => {
      const open = await evaluate<Encumbrance[]>('ListEncumbrances', ['P-2', 'false']);
      expect(open.map((e) => [e.encumbranceId, e.holderDid, e.status])).to.deep.equal([
        ['M-2', did('bank'), 'open'],
      ]);
      expect(await evaluate<Encumbrance[]>('ListEncumbrances', ['P-1', 'false'])).to.deep.equal([]);
      expect((await evaluate<Encumbrance>('GetEncumbrance', ['M-1'])).status).to.equal('released');
    });

    it('keeps both titles and both versions of the released mortgage in the provenance', async () => {
      const provenance = await evaluate<ProvenanceEntry[]>('GetProvenance', ['P-1']);
      const titles = provenance.filter((e) => e.recordType === 'title').map((e) => e.title!);
      expect(titles.map((t) => [t.acquiredBy, t.owners.map((o) => o.did)])).to.deep.equal([
        ['registration', [did('alice')]],
        ['transfer', [did('bob')]],
      ]);
      const mortgage = provenance
        .filter((e) => e.recordType === 'encumbrance')
        .map((e) => e.encumbrance!.status);
      expect(mortgage).to.deep.equal(['open', 'released']);
    });

    it('emits TransferApproved with the previous and new owners as canonical JSON', async () => {
      const transfer = await evaluate<ParcelTransfer>('GetTransfer', ['T-1']);
      const event = await eventOf(txIds.approve!);
      expect(event.name).to.equal('TransferApproved');
      expect(event.payload).to.equal(
        canonicalJson({
          transferId: 'T-1',
          parcelId: 'P-1',
          previousOwners: [{ did: did('alice'), shares: 10_000 }],
          owners: [{ did: did('bob'), shares: 10_000 }],
          price: 25_000_000,
          currency: 'EUR',
          documentHash: sha256('sale T-1'),
          approvedAt: transfer.closedAt,
        }),
      );
      expect((await eventOf(txIds.accept!)).name).to.equal('TransferAccepted');
      expect((await eventOf(txIds.release!)).name).to.equal('EncumbranceReleased');
    });
  });

  describe('part sale of a co-owned parcel', () => {
    before(async () => {
      await submit(party('alice'), 'ProposeTransfer', [
        'T-3',
        'P-3',
        JSON.stringify([{ did: did('alice'), shares: 2000 }]),
        owners(['carol', 2000]),
        '5000000',
        'EUR',
        sha256('sale T-3'),
      ]);
      await submit(party('carol'), 'AcceptTransfer', ['T-3']);
      await submit(registrar, 'ApproveTransfer', ['T-3']);
    });

    it('moves exactly the shares sold and keeps the title at 10,000 parts', async () => {
      const title = await titleOf('P-3');
      expect(title.owners).to.deep.equal([
        { did: did('alice'), shares: 3000 },
        { did: did('bob'), shares: 5000 },
        { did: did('carol'), shares: 2000 },
      ]);
      expect(title.owners.reduce((sum, o) => sum + o.shares, 0)).to.equal(SHARE_DENOMINATOR);
    });
  });

  describe('subdivision and merge', () => {
    const west = rectangle(4.35, 50.85, 4.3504, 50.851);
    const east = rectangle(4.3504, 50.85, 4.351, 50.851);

    before(async () => {
      await submit(registrar, 'SubdivideParcel', [
        'P-1',
        JSON.stringify([
          { parcelId: 'P-1-W', areaM2: 400, location: { geometry: west } },
          { parcelId: 'P-1-E', areaM2: 600, location: { geometry: east } },
        ]),
        sha256('survey split P-1'),
      ]);
      await submit(registrar, 'MergeParcels', [
        'P-5',
        JSON.stringify(['P-1-W', 'P-1-E']),
        JSON.stringify({ geometry: P1_GEOMETRY }),
        'residential',
        'R2',
        sha256('survey merge P-5'),
      ]);
    });

    it('refuses a subdivision whose children do not add up to the parent area', async () => {
      await expectRefused(
        registrar,
        'SubdivideParcel',
        [
          'P-3',
          JSON.stringify([
            { parcelId: 'P-3-A', areaM2: 600, location: { geometryHash: sha256('a'), geometryRef: 'a' } },
            { parcelId: 'P-3-B', areaM2: 599, location: { geometryHash: sha256('b'), geometryRef: 'b' } },
          ]),
          sha256('bad survey'),
        ],
        /^INVALID_ARGUMENT: childrenJson: areas must add up/,
      );
    });

    it('conserves the area through the split and the merge and keeps the lineage', async () => {
      const parcel = (id: string) => evaluate<LandParcel>('GetParcel', [id]);
      const [p1, w, e, p5] = await Promise.all(['P-1', 'P-1-W', 'P-1-E', 'P-5'].map(parcel));
      expect(p1!.status).to.equal('retired');
      expect(p1!.childIds).to.have.members(['P-1-W', 'P-1-E']);
      expect(w!.areaM2 + e!.areaM2).to.equal(p1!.areaM2);
      expect([w!.status, e!.status]).to.deep.equal(['retired', 'retired']);
      expect(p5).to.deep.include({ status: 'active', areaM2: p1!.areaM2 });
      expect(p5!.parentIds).to.have.members(['P-1-W', 'P-1-E']);
      expect((await titleOf('P-5')).owners).to.deep.equal([{ did: did('bob'), shares: SHARE_DENOMINATOR }]);
      const provenance = await evaluate<ProvenanceEntry[]>('GetProvenance', ['P-5']);
      expect([...new Set(provenance.map((entry) => entry.parcelId))].sort()).to.deep.equal([
        'P-1',
        'P-1-E',
        'P-1-W',
        'P-5',
      ]);
    });

    it('shows every owner exactly the active parcels whose titles name them, each whole', async () => {
      const expected: Record<string, string[]> = {
        alice: ['P-3'],
        bob: ['P-3', 'P-5'],
        carol: ['P-3'],
        dave: ['P-2'],
      };
      let activeArea = 0;
      const seen = new Set<string>();
      for (const [name, parcelIds] of Object.entries(expected)) {
        const page = await evaluate<ParcelHoldingPage>('ListParcelsOfOwner', [did(name), '', '']);
        expect(
          page.records.map((r) => r.parcel.parcelId),
          name,
        ).to.deep.equal(parcelIds);
        for (const { parcel, title } of page.records) {
          expect(parcel.status).to.equal('active');
          expect(title.owners.map((o) => o.did)).to.include(did(name));
          expect(title.owners.reduce((sum, o) => sum + o.shares, 0)).to.equal(SHARE_DENOMINATOR);
          if (!seen.has(parcel.parcelId)) activeArea += parcel.areaM2;
          seen.add(parcel.parcelId);
        }
      }
      expect(activeArea, 'registered 1000 + 800 + 1200 m²').to.equal(3000);
    });
  });

  describe('access rules', () => {
    it('refuses a citizen who proposes to sell a parcel she does not own', async () => {
      await expectRefused(
        party('dave'),
        'ProposeTransfer',
        ['T-theft', 'P-3', '', owners(['dave', 10_000]), '1', 'EUR', sha256('forged deed')],
        /^ACCESS_DENIED: /,
      );
    });

    it('refuses a citizen who tries to approve a transfer', async () => {
      await submit(party('bob'), 'ProposeTransfer', [
        'T-4',
        'P-5',
        '',
        owners(['carol', 10_000]),
        '1',
        'EUR',
        sha256('sale T-4'),
      ]);
      await expectRefused(party('bob'), 'ApproveTransfer', ['T-4'], /^ACCESS_DENIED: /);
    });

    it('refuses a CommunityMSP certificate that claims a citizen’s DID', async () => {
      const impostor = await network.crypto.enrollUser('CommunityMSP', 'impostor', {
        role: 'admin',
        did: did('carol'),
      });
      await expectRefused(impostor, 'AcceptTransfer', ['T-4'], /^ACCESS_DENIED: a CommunityMSP certificate/);
    });

    it('refuses land registration to a CommunityMSP registrar and every write of the auditor', async () => {
      const communityRegistrar = await network.crypto.enrollUser('CommunityMSP', 'community-registrar', {
        role: 'registrar',
      });
      const parcel = [
        'P-9',
        JSON.stringify({ geometry: rectangle(4.37, 50.85, 4.371, 50.851) }),
        '500',
        'residential',
        '',
        owners(['alice', 10_000]),
        sha256('deed P-9'),
      ];
      await expectRefused(communityRegistrar, 'RegisterParcel', parcel, /^ACCESS_DENIED: /);
      await expectRefused(auditor, 'RegisterParcel', parcel, /^ACCESS_DENIED: /);
      await expectRefused(auditor, 'RejectTransfer', ['T-4', 'audit says no'], /^ACCESS_DENIED: /);
    });
  });

  describe('endorsement policy', () => {
    it('has every committed transaction endorsed by City and Auditor peers as consortium.yaml requires', async () => {
      const policy = network.consortium.endorsementPolicy(CIVIC, CHAINCODE);
      expect(committed.length).to.be.greaterThan(15);
      for (const txId of committed) {
        const tx = (await network.getTransaction(CIVIC, txId))!;
        expect(tx.validationCodeName, txId).to.equal('VALID');
        const endorsers = tx.endorsements.map((e) => e.mspId);
        expect(endorsers, `${tx.function} ${txId}`).to.include.members(['CityMSP', 'AuditorMSP']);
        expect(
          evaluateSignaturePolicy(
            policy,
            endorsers.map((mspId) => ({ mspId, role: 'peer' })),
          ),
        ).to.equal(true);
      }
    });

    it('invalidates an encumbrance endorsed by the City peer alone and registers nothing', async () => {
      const endorsed = await network.endorse(
        registrar,
        request('RegisterEncumbrance', [
          'E-1',
          'P-3',
          'easement',
          did('bank'),
          '',
          '',
          'right of way',
          sha256('easement E-1'),
        ]),
        { endorsingOrganizations: ['CityMSP'] },
      );
      const error = await rejectionOf(network.submitEndorsed(endorsed));
      expect(error).to.be.instanceOf(CommitError);
      expect((error as unknown as CommitError).validationCodeName).to.equal('ENDORSEMENT_POLICY_FAILURE');
      const lookup = await rejectionOf(network.evaluate(auditor, request('GetEncumbrance', ['E-1'])));
      expect((lookup as unknown as EndorseError).chaincodeMessage).to.match(/^NOT_FOUND: /);
    });
  });
});
