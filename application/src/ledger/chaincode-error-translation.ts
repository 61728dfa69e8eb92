import { findErrorCode } from '@cityledger/chaincode-common';
import {
  AccessDeniedError,
  ConflictError,
  type GatewayError,
  InvalidInputError,
  LedgerFailureError,
  NotFoundError,
  UpstreamChaincodeError,
} from '../errors/gateway-errors';

/** What fabric-contract-api answers for a transaction name no contract has. */
const UNKNOWN_FUNCTION = /You've asked to invoke a function that does not exist: (.*)$/;
/** What fabric-contract-api answers when the argument count does not match the transaction. */
const WRONG_ARGUMENT_COUNT = /Expected (\d+) parameters, but (\d+) have been supplied/;

/**
 * Turns a chaincode's error message into a gateway error. CityLedger contracts prefix their
 * messages with a stable code (`INVALID_ARGUMENT: field: …`, `ACCESS_DENIED: …`, see
 * chaincode-common's errors.ts); any ledger behind the connector delivers that message, wrapped or not.
 */
export function chaincodeErrorOf(message: string, chaincode: string): GatewayError {
  const coded = findErrorCode(message);
  if (coded) {
    switch (coded.code) {
      case 'INVALID_ARGUMENT': {
        const separator = coded.detail.indexOf(': ');
        const field =
          separator > 0 && !coded.detail.slice(0, separator).includes(' ')
            ? coded.detail.slice(0, separator)
            : '';
        return new InvalidInputError(field, field ? coded.detail.slice(separator + 2) : coded.detail);
      }
      case 'ACCESS_DENIED':
        return new AccessDeniedError(coded.detail);
      case 'NOT_FOUND':
        return new NotFoundError(coded.detail);
      case 'CONFLICT':
        return new ConflictError(coded.detail);
      case 'CHAINCODE_CALL_FAILED':
        return new UpstreamChaincodeError(coded.detail);
    }
  }
  const unknown = UNKNOWN_FUNCTION.exec(message);
  if (unknown) {
    return new NotFoundError(`chaincode ${chaincode} has no transaction ${unknown[1]}`, 'UNKNOWN_FUNCTION');
  }
  const count = WRONG_ARGUMENT_COUNT.exec(message);
  if (count) {
    return new InvalidInputError('args', `expected ${count[1]} arguments, got ${count[2]}`);
  }
  return new LedgerFailureError('CHAINCODE_ERROR', `chaincode ${chaincode} failed: ${message}`);
}
