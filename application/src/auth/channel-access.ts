import type { Consortium } from '@cityledger/network';
import { AccessDeniedError, NotFoundError } from '../errors/gateway-errors';
import { type Caller, EXPLORER_ROLES } from './caller';

/**
 * The gateway's own access rules, checked before the ledger is called: a caller reaches only the
 * channels their organisation is a member of, and only auditors and org admins use the explorer.
 * Which user may call which transaction stays the chaincode's decision.
 */
export class ChannelAccess {
  constructor(private readonly consortium: Consortium) {}

  isChannel(channel: string): boolean {
    return this.consortium.definition.channels.some((c) => c.name === channel);
  }

  /** @throws NotFoundError for an unknown channel, AccessDeniedError when the caller's org is not a member. */
  requireMember(caller: Caller, channel: string): void {
    const definition = this.consortium.definition.channels.find((c) => c.name === channel);
    if (!definition) throw new NotFoundError(`channel ${channel} does not exist`, 'UNKNOWN_CHANNEL');
    if (!definition.members.includes(caller.mspId)) {
      throw new AccessDeniedError(
        `${caller.mspId} is not a member of channel ${channel}`,
        'NOT_A_CHANNEL_MEMBER',
      );
    }
  }

  requireExplorer(caller: Caller, channel: string): void {
    this.requireMember(caller, channel);
    if (!EXPLORER_ROLES.has(caller.role)) {
      throw new AccessDeniedError(
        `the explorer is for roles ${[...EXPLORER_ROLES].join(' and ')}; the token's role is ${caller.role}`,
        'ROLE_NOT_ALLOWED',
      );
    }
  }

  /** Channels the caller's organisation is a member of. */
  channelsOf(caller: Caller): string[] {
    return this.consortium.definition.channels
      .filter((c) => c.members.includes(caller.mspId))
      .map((c) => c.name);
  }
}
