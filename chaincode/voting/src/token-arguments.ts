/**
 * The contract's reading of the blind-signature arguments. The arithmetic and the token encoding
 * are `@cityledger/voter`'s, shared with the voters' apps so both sides sign and check the same
 * numbers; what is added here is the contract's error for a bad argument.
 */
import { InvalidArgumentError } from '@cityledger/chaincode-common';
import { TokenKeyError, parseRsaPublicKeyPem as readTokenKey, type RsaPublicKey } from '@cityledger/voter';

/** An RSA public key (SPKI PEM) fit to sign voting tokens: 2048..4096-bit modulus, odd e >= 3. */
export function parseRsaPublicKeyPem(field: string, value: unknown): RsaPublicKey {
  try {
    return readTokenKey(field, value);
  } catch (error) {
    if (error instanceof TokenKeyError) throw new InvalidArgumentError(error.field, error.problem);
    throw error;
  }
}

/** A number mod n on the wire: exactly 2·k hex digits, 0 < x < n. Returned as BigInt. */
export function parseModularHex(field: string, value: unknown, key: RsaPublicKey): bigint {
  if (typeof value !== 'string' || value.length !== key.k * 2 || !/^[0-9a-fA-F]+$/.test(value)) {
    throw new InvalidArgumentError(
      field,
      `must be ${key.k * 2} hexadecimal digits (the key's modulus length)`,
    );
  }
  const x = BigInt(`0x${value}`);
  if (x === 0n || x >= key.n) {
    throw new InvalidArgumentError(field, 'must be a number between 1 and the modulus minus 1');
  }
  return x;
}
