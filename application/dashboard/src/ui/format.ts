import { h } from './dom';

/** Display formats shared by the panels. Amounts on the ledger are integers in minor units. */

export function money(cents: number, currency = 'EUR'): string {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

export function kwh(wh: number): string {
  return `${(wh / 1000).toLocaleString('en', { maximumFractionDigits: 3 })} kWh`;
}

export function when(iso: string | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d{3}Z$/, 'Z');
}

/** `did:cityledger:civic:alice` → `alice`, keeping the full DID for titles. */
export function shortDid(did: string | undefined): string {
  if (!did) return '—';
  const parts = did.split(':');
  return parts.length >= 4 ? parts.slice(3).join(':') : did;
}

/** A DID shown short in a table cell, the full DID on hover. */
export function didCell(did: string): HTMLElement {
  return h('span', { title: did }, shortDid(did));
}

export function shortHash(hash: string | undefined, length = 12): string {
  if (!hash) return '—';
  return hash.length > length ? `${hash.slice(0, length)}…` : hash;
}

export function percent(part: number, whole: number): string {
  if (whole <= 0) return '—';
  return `${Math.round((part / whole) * 100)}%`;
}
