import { createHash } from 'node:crypto';
import type { StoryContext } from '../story-context';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Alice sells her parcel to Bob: she offers, he accepts, the registrar approves — only then the title moves. */
export async function sellParcel(story: StoryContext): Promise<void> {
  const { narrator, cast, runId } = story;
  const registrar = story.as(cast.registrar);
  narrator.chapter(
    'A parcel changes hands',
    'The land registry keeps parcels and titles; a sale is a workflow, and the City and the auditor must both endorse every change.',
  );
  const parcelId = `P-${runId}`;
  narrator.step(
    `The registrar registers parcel ${parcelId} (1 000 m², residential), owned by Alice`,
    'POST /channels/civic/parcels',
  );
  const parcel = await registrar.post('/channels/civic/parcels', {
    parcelId,
    location: {
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [4.35, 50.85],
            [4.3504, 50.85],
            [4.3504, 50.851],
            [4.35, 50.851],
            [4.35, 50.85],
          ],
        ],
      },
    },
    areaM2: 1000,
    landUse: 'residential',
    zoning: 'R2',
    owners: [{ did: cast.alice.did, shares: 10000 }],
    documentHash: sha256(`title deed of ${parcelId}`),
  });
  narrator.result(
    `parcel ${parcel.parcelId}, geometry hash ${String(parcel.location.geometryHash).slice(0, 12)}…`,
  );

  const transferId = `T-${runId}`;
  narrator.step('Alice (signing as her DID) offers it to Bob for €250 000', 'POST /channels/civic/transfers');
  const proposed = await story.as(cast.alice).post('/channels/civic/transfers', {
    transferId,
    parcelId,
    buyers: [{ did: cast.bob.did, shares: 10000 }],
    price: 25_000_000,
    currency: 'EUR',
    documentHash: sha256(`deed of sale ${transferId}`),
  });
  narrator.result(
    `transfer ${transferId} is ${proposed.status}; still needed: ${proposed.pendingConsents.map((c: { did: string; capacity: string }) => `${c.capacity} ${c.did}`).join(', ')}`,
  );
  narrator.step('Bob accepts', `POST /channels/civic/transfers/${transferId}/acceptance`);
  await story.as(cast.bob).post(`/channels/civic/transfers/${transferId}/acceptance`);
  narrator.step('The registrar approves', `POST /channels/civic/transfers/${transferId}/approval`);
  const approved = await registrar.post(`/channels/civic/transfers/${transferId}/approval`);
  narrator.result(`transfer ${approved.status}`);
  const title = await registrar.get(`/channels/civic/parcels/${parcelId}/title`);
  narrator.result(
    `title: ${title.owners.map((o: { did: string; shares: number }) => `${o.did} ${o.shares / 100}%`).join(', ')}`,
  );
  const provenance = await story.as(cast.auditor).get(`/channels/civic/parcels/${parcelId}/provenance`);
  narrator.result(`provenance: ${provenance.length} ledger entries, from registration to the sale`);
}
