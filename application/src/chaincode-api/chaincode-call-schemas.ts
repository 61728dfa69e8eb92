import { z } from 'zod';

export const channelName = z
  .string()
  .regex(/^[a-z][a-z0-9.-]{0,248}$/, 'must be a channel name')
  .meta({ description: 'Channel name, e.g. `energy` or `civic`' });

export const chaincodeName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}$/, 'must be a chaincode name')
  .meta({ description: 'Chaincode name, e.g. `identity`' });

export const channelParams = z.object({ channel: channelName });
export const chaincodeParams = z.object({ channel: channelName, chaincode: chaincodeName });

/**
 * Chaincode arguments are strings on the ledger. For convenience numbers and booleans are sent as
 * their text and objects/arrays as their JSON text, which is what `…Json` parameters expect.
 */
const chaincodeArgument = z
  .union([z.string(), z.number(), z.boolean(), z.array(z.unknown()), z.record(z.string(), z.unknown())])
  .transform((value) =>
    typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value),
  );

const functionName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.:]{0,255}$/, 'must be a transaction name such as RegisterDevice')
  .meta({ description: 'Transaction name (as in the chaincode metadata)' });

export const transactionRequestSchema = z
  .object({
    function: functionName,
    args: z.array(chaincodeArgument).max(256).default([]),
    transient: z
      .record(z.string().min(1).max(256), z.union([z.string(), z.record(z.string(), z.unknown())]))
      .optional()
      .transform((map) =>
        map === undefined
          ? undefined
          : Object.fromEntries(
              Object.entries(map).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
            ),
      )
      .meta({ description: 'Private inputs for the endorsers; never written to a block' }),
  })
  .strict();

export const queryRequestSchema = z
  .object({
    function: functionName,
    args: z.array(chaincodeArgument).max(256).default([]),
  })
  .strict();

export const submitResponseSchema = z.object({
  txId: z.string(),
  blockNumber: z.number().int(),
  result: z.unknown().meta({ description: 'The chaincode result, parsed as JSON when it is JSON' }),
});

export const queryResponseSchema = z.object({ result: z.unknown() });
