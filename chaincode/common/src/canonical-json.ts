/**
 * Canonical JSON (RFC 8785) is @cityledger/proofs', shared with the gateway and the dashboard, which
 * hash and verify the same bytes; the chaincodes write the world state and events with it.
 */
import { canonicalJson } from '@cityledger/proofs';

export { canonicalJson, type JsonValue } from '@cityledger/proofs';

export function canonicalJsonBuffer(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}
