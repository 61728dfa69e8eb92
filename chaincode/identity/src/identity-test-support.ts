/** Callers and fixtures shared by the identity contract tests. */
import { generateKeyPairSync } from 'node:crypto';
import type { TxOptions } from '@cityledger/chaincode-common/testing';

export { failure } from '@cityledger/chaincode-common/testing';

export const cityRegistrar: TxOptions = { mspId: 'CityMSP', role: 'registrar', user: 'registrar1' };
export const cityOperator: TxOptions = { mspId: 'CityMSP', role: 'operator' };
export const cityAdmin: TxOptions = { mspId: 'CityMSP', role: 'admin' };
export const citizen: TxOptions = { mspId: 'CityMSP', role: 'citizen' };
export const utilityRegistrar: TxOptions = { mspId: 'UtilityMSP', role: 'registrar' };
export const utilityOperator: TxOptions = { mspId: 'UtilityMSP', role: 'operator' };
export const utilityAdmin: TxOptions = { mspId: 'UtilityMSP', role: 'admin' };
export const auditor: TxOptions = { mspId: 'AuditorMSP', role: 'auditor' };
export const auditorAdmin: TxOptions = { mspId: 'AuditorMSP', role: 'admin' };

export const adaData = {
  name: 'Ada Lovelace',
  birthDate: '1990-12-10',
  address: '1 Main Street',
  salt: 'a1'.repeat(16),
};

export function newP256Pem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();
}
