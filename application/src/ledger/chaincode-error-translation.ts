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
 * A Fabric peer that holds a collection's hash but not its value (outside the collection, or not
 * yet reached by gossip) fails the chaincode's read: `GET_STATE failed: transaction ID: <txid>:
 * private data matching public hash version is not available. Public hash version = {…}, …`.
 */
const PRIVATE_DATA_NOT_ON_PEER = /private data matching public hash version is not available/;
/**
 * The Fabric Gateway's FAILED_PRECONDITION (and the embedded network's identical refusal) when the
 * endorsers a transaction with transient data needs include an organisation outside a collection
 * it writes: `… not in the distribution policy of the private data collection(s): [A B]; retry …`.
 */
const PRIVATE_DATA_DISTRIBUTION =
  /not in the distribution policy of the private data collection\(s\): \[([^\]]*)\]/;

/**
 * Turns a chaincode's error message into a gateway error. CityLedger contracts prefix their
 * messages with a stable code (`INVALID_ARGUMENT: field: …`, `ACCESS_DENIED: …`, see
 * chaincode-common's errors.ts); any ledger behind the connector delivers that message, wrapped or not.
 * Fabric's own refusals that reach here get the code a contract would have given:
 * `PRIVATE_DATA_DISTRIBUTION` (400, field `transient`) for transient data the endorsers would
 * carry outside its collection, `NOT_FOUND` (404) for private data a peer does not hold.
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
  const distribution = PRIVATE_DATA_DISTRIBUTION.exec(message);
  if (distribution) {
    // Deterministic: the same request is refused until the chaincode or the collections change.
    return new InvalidInputError(
      'transient',
      `the private data cannot be kept within its collection(s) [${distribution[1]}]: the transaction ` +
        `needs endorsement from organisations outside them (${message})`,
      'PRIVATE_DATA_DISTRIBUTION',
    );
  }
  if (PRIVATE_DATA_NOT_ON_PEER.test(message)) {
    // The same answer the CityLedger contracts give when the value is not on the peer.
    return new NotFoundError(`the private data is not on this peer (${message})`);
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
