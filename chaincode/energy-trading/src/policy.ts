/**
 * Who may do what in the energy market. Documented in docs/contracts/energy-trading.md.
 */
import {
  AccessDeniedError,
  describeCaller,
  MSP,
  ROLE,
  type Caller,
  type CallerRule,
} from '@cityledger/chaincode-common';
import type { ProsumerAccount } from './records';

/** The grid operator: configures and runs the market, onboards prosumers, bridges fiat and meters. */
export const MARKET_OPERATOR: CallerRule = { mspIds: [MSP.Utility], roles: [ROLE.Operator] };

/** Orgs whose users may hold a prosumer account (their CAs enrol the citizens and businesses). */
export const HOLDER_MSPS: readonly string[] = [MSP.City, MSP.Utility];

/** Anyone who may try to trade; the account then narrows it to its holder. */
export const TRADERS: CallerRule = { mspIds: HOLDER_MSPS };

/** The credential (issued by the utility in the identity chaincode) that makes a DID a prosumer. */
export const PROSUMER_CREDENTIAL = 'prosumer';

export function requireAccountHolder(caller: Caller, account: ProsumerAccount, action: string): void {
  if (caller.mspId !== account.holderMspId || caller.id !== account.holderId) {
    throw new AccessDeniedError(
      `${describeCaller(caller)} may not ${action}; only the holder of ${account.accountDid} may`,
    );
  }
}
