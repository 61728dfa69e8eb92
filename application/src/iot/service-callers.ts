import type { Consortium } from '@cityledger/network';
import { MSP, ROLE } from '@cityledger/chaincode-common';
import type { Caller } from '../auth/caller';

/**
 * The identities the bridge acts with on the ledger: one service user (`iot-bridge`, role
 * `operator`) per organisation, enrolled by the connector on first use. The chaincodes decide
 * what each may do: a feed is anchored by an operator of its owner org, meter readings are
 * submitted by the market operator (UtilityMSP).
 */
export class ServiceCallers {
  constructor(
    private readonly consortium: Consortium,
    private readonly userId: string,
  ) {}

  /** An operator of `mspId`. */
  operatorOf(mspId: string): Caller {
    return { userId: this.userId, mspId, role: ROLE.Operator };
  }

  /** Who reads device and feed definitions on `channel`: an operator of its first member org. */
  readerOn(channel: string): Caller | undefined {
    const members = this.consortium.channelNames().includes(channel)
      ? this.consortium.channel(channel).members
      : [];
    const reader = members.find((m) => m !== MSP.Auditor) ?? members[0];
    return reader ? this.operatorOf(reader) : undefined;
  }

  /** The market operator, who alone may submit meter readings to energy-trading. */
  get marketOperator(): Caller {
    return this.operatorOf(MSP.Utility);
  }

  get channels(): string[] {
    return this.consortium.channelNames();
  }
}
