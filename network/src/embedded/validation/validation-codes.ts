import { peer } from '@hyperledger/fabric-protos';

export const TxValidationCode = peer.TxValidationCode;

const NAMES = new Map<number, string>(
  Object.entries(peer.TxValidationCode).map(([name, code]) => [code as number, name]),
);

/** Fabric's name for a validation code, e.g. MVCC_READ_CONFLICT. */
export function validationCodeName(code: number): string {
  return NAMES.get(code) ?? `UNKNOWN_${code}`;
}
