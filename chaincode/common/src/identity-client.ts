/**
 * Cross-chaincode client of the identity chaincode (same channel). The call runs inside the
 * caller's transaction: same transaction id, same timestamp, same creator, and identity's reads
 * join the caller's read set, so a credential revoked concurrently invalidates the caller's
 * transaction at validation.
 */
import type { Context } from 'fabric-contract-api';
import { AccessDeniedError, ChaincodeCallError, ChaincodeError, findErrorCode } from './errors';

export const IDENTITY_CHAINCODE = 'identity';

export interface CredentialValidity {
  valid: boolean;
  /** Why not valid: unknown-did, did-deactivated, no-credential, revoked, expired, not-yet-valid. */
  reason?: string;
  /** The credential that makes it valid. */
  credentialId?: string;
}

export interface DidValidity {
  valid: boolean;
  /** Why not valid: unknown-did, did-deactivated. */
  reason?: string;
  /** person, organisation or device. */
  didType?: string;
  /** The MSP ID that controls the DID. */
  controller?: string;
}

/** Calls a query of the identity chaincode and parses its JSON answer. */
export async function invokeIdentity<T>(ctx: Context, fn: string, args: readonly string[]): Promise<T> {
  const response = await ctx.stub.invokeChaincode(IDENTITY_CHAINCODE, [fn, ...args], '');
  const where = `${IDENTITY_CHAINCODE}.${fn}`;
  if (!response || response.status !== 200) {
    const message = response?.message ?? 'no response';
    const coded = findErrorCode(message);
    if (coded && coded.code !== 'CHAINCODE_CALL_FAILED') {
      // The callee judged the arguments (e.g. a malformed DID): keep its verdict.
      throw new ChaincodeError(coded.code, `${where}: ${coded.detail}`);
    }
    throw new ChaincodeCallError(`${where} answered status ${response?.status ?? 'none'}: ${message}`);
  }
  const text = Buffer.from(response.payload ?? new Uint8Array()).toString('utf8');
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ChaincodeCallError(`${where} answered a payload that is not JSON`);
  }
}

/** Whether `did` holds a valid credential of `type` at this transaction's time. */
export async function checkCredential(ctx: Context, did: string, type: string): Promise<CredentialValidity> {
  const answer = await invokeIdentity<CredentialValidity>(ctx, 'IsCredentialValid', [did, type]);
  if (typeof answer !== 'object' || answer === null || typeof answer.valid !== 'boolean') {
    throw new ChaincodeCallError(`${IDENTITY_CHAINCODE}.IsCredentialValid answered an unexpected shape`);
  }
  return answer;
}

/** Throws `ACCESS_DENIED` unless `did` holds a valid `type` credential; returns the credential id. */
export async function requireCredential(ctx: Context, did: string, type: string): Promise<string> {
  const answer = await checkCredential(ctx, did, type);
  if (!answer.valid) {
    throw new AccessDeniedError(
      `${did} holds no valid '${type}' credential (${answer.reason ?? 'not valid'})`,
    );
  }
  return answer.credentialId ?? '';
}

/** Whether `did` is registered and active. */
export async function checkDid(ctx: Context, did: string): Promise<DidValidity> {
  const answer = await invokeIdentity<DidValidity>(ctx, 'IsDidValid', [did]);
  if (typeof answer !== 'object' || answer === null || typeof answer.valid !== 'boolean') {
    throw new ChaincodeCallError(`${IDENTITY_CHAINCODE}.IsDidValid answered an unexpected shape`);
  }
  return answer;
}

/** Throws `NOT_FOUND` for an unknown DID and `CONFLICT` for a deactivated one. */
export async function requireActiveDid(ctx: Context, did: string): Promise<DidValidity> {
  const answer = await checkDid(ctx, did);
  if (!answer.valid) {
    if (answer.reason === 'unknown-did') {
      throw new ChaincodeError('NOT_FOUND', `${did} is not registered`);
    }
    throw new ChaincodeError('CONFLICT', `${did} is not active (${answer.reason ?? 'not valid'})`);
  }
  return answer;
}
