/**
 * Test support, run as its own process by fabric-error-translation.test.ts: builds real
 * fabric-gateway error objects from the cases on stdin, translates them and prints the gateway
 * errors as JSON. A child process, because loading fabric-gateway in the test runner would swap
 * the network package's protobuf classes for the library's (see fabric-error-translation.ts).
 */
import { type ServiceError, Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { CommitError, CommitStatusError, EndorseError, GatewayError } from '@hyperledger/fabric-gateway';
import { SubmitError } from '@hyperledger/fabric-gateway/dist/submiterror';
import { gatewayErrorOf, readConflictOf } from './fabric-error-translation';

export interface FabricErrorCase {
  kind: 'GatewayError' | 'EndorseError' | 'SubmitError' | 'CommitStatusError' | 'CommitError';
  /** gRPC status, or the validation code for CommitError. */
  code: number;
  message: string;
  details?: string[];
}

export interface TranslatedCase {
  errorClass: string;
  code?: string;
  message: string;
  field?: string;
  readConflict?: string;
}

function fabricErrorOf(c: FabricErrorCase): Error {
  if (c.kind === 'CommitError') {
    return new CommitError({ code: c.code as never, transactionId: 'tx-1', message: c.message });
  }
  const text = `${c.code} ${GrpcStatus[c.code]}: ${c.message}`;
  const cause: ServiceError = Object.assign(new Error(text), {
    code: c.code,
    details: c.message,
    metadata: new Metadata(),
  });
  const properties = {
    code: c.code,
    cause,
    message: text,
    transactionId: 'tx-1',
    details: (c.details ?? []).map((message) => ({
      address: 'peer0.city.example:7051',
      mspId: 'CityMSP',
      message,
    })),
  };
  const Kind = { GatewayError, EndorseError, SubmitError, CommitStatusError }[c.kind];
  return new Kind(properties);
}

function translated(c: FabricErrorCase): TranslatedCase {
  const error = fabricErrorOf(c);
  const result = gatewayErrorOf(error, {
    channel: 'civic',
    chaincode: 'identity',
    function: 'RegisterDid',
    args: [],
  });
  const { code, field } = result as { code?: string; field?: string };
  return {
    errorClass: (result as Error).constructor.name,
    message: (result as Error).message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(field !== undefined ? { field } : {}),
    ...(readConflictOf(error) ? { readConflict: readConflictOf(error) } : {}),
  };
}

if (require.main === module) {
  let input = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => (input += chunk));
  process.stdin.on('end', () => {
    const cases = JSON.parse(input) as FabricErrorCase[];
    process.stdout.write(JSON.stringify(cases.map(translated)));
  });
}
