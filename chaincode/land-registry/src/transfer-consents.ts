/**
 * Who must agree before the registrar may approve a transfer: every seller, every buyer, and the
 * holder of every open mortgage or lien that burdens the parcel at the time of approval (an
 * encumbrance registered after the proposal needs consent too). Easements never block: they stay
 * with the land.
 */
import type { Share } from './shares';
import { BLOCKING_ENCUMBRANCE_KINDS, type ConsentCapacity } from './records';

export interface ConsentParty {
  capacity: ConsentCapacity;
  did: string;
  /** Set for capacity encumbrance-holder: consent is given per encumbrance. */
  encumbranceId?: string;
}

export interface OpenEncumbrance {
  encumbranceId: string;
  kind: string;
  holderDid: string;
  status: string;
}

/** The subject of a consent key: the DID for sellers and buyers, the encumbrance for holders. */
export function consentSubject(party: ConsentParty): string {
  return party.capacity === 'encumbrance-holder' ? party.encumbranceId! : party.did;
}

export function requiredConsents(
  transfer: { sellers: readonly Share[]; buyers: readonly Share[] },
  encumbrances: readonly OpenEncumbrance[],
): ConsentParty[] {
  const blocking = encumbrances
    .filter((e) => e.status === 'open' && (BLOCKING_ENCUMBRANCE_KINDS as readonly string[]).includes(e.kind))
    .sort((a, b) => (a.encumbranceId < b.encumbranceId ? -1 : 1));
  return [
    ...transfer.sellers.map((s): ConsentParty => ({ capacity: 'seller', did: s.did })),
    ...transfer.buyers.map((b): ConsentParty => ({ capacity: 'buyer', did: b.did })),
    ...blocking.map((e): ConsentParty => ({
      capacity: 'encumbrance-holder',
      did: e.holderDid,
      encumbranceId: e.encumbranceId,
    })),
  ];
}

/** The required consents not yet given. A consent counts only from the DID it was required of. */
export function pendingConsents(
  required: readonly ConsentParty[],
  given: readonly ConsentParty[],
): ConsentParty[] {
  return required.filter(
    (party) =>
      !given.some(
        (g) =>
          g.capacity === party.capacity && consentSubject(g) === consentSubject(party) && g.did === party.did,
      ),
  );
}
