import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ErrorDetail } from '@hyperledger/fabric-gateway';
import { IdentityError, validationCodeName } from '@cityledger/network';
import {
  AccessDeniedError,
  ConflictError,
  GatewayError,
  InvalidInputError,
  LedgerFailureError,
  LedgerUnavailableError,
  NotFoundError,
} from '../../errors/gateway-errors';
import { chaincodeErrorOf } from '../chaincode-error-translation';
import type { ChaincodeCall } from '../ledger-connector';
import { READ_CONFLICTS } from '../ledger-views';

/** How the peer Gateway wraps a chaincode's error: in endorsement details, and in evaluate's message. */
const CHAINCODE_RESPONSE =
  /(?:chaincode response \d+, |evaluate call to endorser returned error: )([\s\S]*)$/;
/**
 * The peer Gateway refuses to send transient data to an organisation outside a collection's
 * distribution policy; chaincodeErrorOf gives that refusal its code on every ledger.
 */
const PRIVATE_DATA_DISTRIBUTION = 'not in the distribution policy of the private data collection';
const ACCESS_DENIED = /access denied|creator org unknown|is not a member of channel|permission denied/i;
const ENDORSEMENT_MISMATCH = /ProposalResponsePayloads do not match|responses do not match/i;
const UNKNOWN_CHAINCODE =
  /chaincode definition for '[^']*' (?:not found|exists, but chaincode is not installed)|could not find chaincode|cannot get package for chaincode|chaincode [^ ]+ not found/i;

/*
 * fabric-gateway's errors are recognised by the names its classes give them, not with instanceof,
 * so that translating errors does not load the client library: only the Fabric connector does,
 * and a gateway on the embedded network never needs it.
 */

/** fabric-gateway's `EndorseError`, `SubmitError`, `CommitStatusError` or a plain `GatewayError`. */
interface FabricGatewayFailure extends Error {
  name: 'GatewayError' | 'EndorseError' | 'SubmitError' | 'CommitStatusError';
  /** gRPC status code. */
  code: number;
  details?: ErrorDetail[];
  transactionId?: string;
}

/** fabric-gateway's `CommitError`: the transaction committed with this validation code. */
interface FabricCommitFailure extends Error {
  name: 'CommitError';
  code: number;
  transactionId: string;
}

const GATEWAY_FAILURES: ReadonlySet<string> = new Set([
  'GatewayError',
  'EndorseError',
  'SubmitError',
  'CommitStatusError',
]);

export function isGatewayFailure(error: unknown): error is FabricGatewayFailure {
  return (
    error instanceof Error &&
    GATEWAY_FAILURES.has(error.name) &&
    typeof (error as { code?: unknown }).code === 'number'
  );
}

function isCommitFailure(error: unknown): error is FabricCommitFailure {
  return (
    error instanceof Error &&
    error.name === 'CommitError' &&
    typeof (error as { code?: unknown }).code === 'number'
  );
}

/**
 * The validation code name of a transaction that committed invalid because of a read conflict, or
 * ENDORSEMENT_MISMATCH when its endorsers read different versions: both are worth endorsing again.
 */
export function readConflictOf(error: unknown): string | undefined {
  // Endorsers that simulated on either side of a block commit disagree; endorsing again, after
  // the block, makes them agree, as re-endorsing does for an MVCC conflict.
  if (isGatewayFailure(error) && error.name === 'EndorseError') {
    return messagesOf(error).some((m) => ENDORSEMENT_MISMATCH.test(m)) ? 'ENDORSEMENT_MISMATCH' : undefined;
  }
  if (!isCommitFailure(error)) return undefined;
  const name = validationCodeName(error.code);
  return READ_CONFLICTS.has(name) ? name : undefined;
}

/** The texts a fabric-gateway error carries: each endorsing or ordering node's message, then its own. */
function messagesOf(error: FabricGatewayFailure): string[] {
  return [...(error.details ?? []).map((detail) => detail.message), stripGrpcPrefix(error.message)];
}

/** grpc-js prefixes the peer's text with `<code> <STATUS NAME>: `. */
function stripGrpcPrefix(message: string): string {
  return message.replace(/^\d+ [A-Z_]+: /, '');
}

function describe(error: FabricGatewayFailure): string {
  const details = (error.details ?? []).map((d) => `${d.mspId || d.address}: ${d.message}`);
  return [stripGrpcPrefix(error.message), ...details].join('; ');
}

/**
 * Turns what fabric-gateway throws into the gateway's error vocabulary, the way the embedded
 * connector turns the embedded network's errors: chaincode refusals through `chaincodeErrorOf`,
 * validation codes by their Fabric names, an unreachable peer or orderer as unavailable.
 * Anything else is returned unchanged.
 */
export function gatewayErrorOf(error: unknown, call?: ChaincodeCall): unknown {
  if (error instanceof GatewayError) return error;
  if (isCommitFailure(error)) {
    const name = validationCodeName(error.code);
    if (name === 'DUPLICATE_TXID') {
      return new ConflictError(`transaction ${error.transactionId} was already committed`, 'DUPLICATE_TXID');
    }
    return new LedgerFailureError(
      name,
      `transaction ${error.transactionId} was committed as invalid (${name}); it changed nothing`,
    );
  }
  if (error instanceof IdentityError) return new InvalidInputError('token', error.message);
  if (!isGatewayFailure(error)) return error;

  // Checked first: once ordered, a timeout says nothing about whether the transaction commits.
  if (error.name === 'CommitStatusError') {
    return new LedgerUnavailableError(
      `transaction ${error.transactionId ?? ''} was sent for ordering but its commit status is unknown ` +
        `(${describe(error)}); look it up before submitting it again`,
      'COMMIT_STATUS_UNKNOWN',
    );
  }
  if (error.code === GrpcStatus.UNAVAILABLE || error.code === GrpcStatus.DEADLINE_EXCEEDED) {
    if (error.name === 'SubmitError') {
      return new LedgerUnavailableError(`ordering failed: ${describe(error)}`, 'ORDERING_FAILED');
    }
    return new LedgerUnavailableError(`the Fabric network did not answer: ${describe(error)}`);
  }
  if (error.name === 'SubmitError') {
    return new LedgerUnavailableError(`ordering failed: ${describe(error)}`, 'ORDERING_FAILED');
  }

  const messages = messagesOf(error);
  const chaincode = call?.chaincode ?? '';
  const distribution = messages.find((m) => m.includes(PRIVATE_DATA_DISTRIBUTION));
  if (distribution) return chaincodeErrorOf(distribution, chaincode);
  for (const message of messages) {
    const refusal = CHAINCODE_RESPONSE.exec(message);
    if (refusal) return chaincodeErrorOf(refusal[1]!, chaincode);
  }
  const denied = messages.find((m) => ACCESS_DENIED.test(m));
  if (denied || error.code === GrpcStatus.PERMISSION_DENIED) {
    const detail = denied ?? describe(error);
    return new AccessDeniedError(
      detail,
      /is not a member of channel|creator org unknown/.test(detail)
        ? 'NOT_A_CHANNEL_MEMBER'
        : 'ACCESS_DENIED',
    );
  }
  if (messages.some((m) => UNKNOWN_CHAINCODE.test(m))) {
    return new NotFoundError(
      call ? `chaincode ${call.chaincode} is not installed on channel ${call.channel}` : describe(error),
      'UNKNOWN_CHAINCODE',
    );
  }
  if (messages.some((m) => ENDORSEMENT_MISMATCH.test(m))) {
    return new LedgerFailureError('ENDORSEMENT_MISMATCH', describe(error));
  }
  if (error.code === GrpcStatus.NOT_FOUND && call) {
    // The consortium says the caller's organisation is a member (checked before calling), so its
    // peer not knowing the channel is a deployment problem, not the caller's.
    return new LedgerUnavailableError(
      `the peer has not joined channel ${call.channel}: ${describe(error)}`,
      'CHANNEL_NOT_JOINED',
    );
  }
  if (error.name === 'EndorseError') return new LedgerFailureError('ENDORSEMENT_FAILED', describe(error));
  return new LedgerFailureError('LEDGER_ERROR', describe(error));
}
