import type { ChannelSummary, GatewayClient } from '../api/gateway-client';
import type { LedgerEvents } from '../api/ledger-events';
import type { Session } from '../session/token-session';

/** What every panel gets: the API client, the shared event streams and who is signed in. */
export interface PanelContext {
  client: GatewayClient;
  events: LedgerEvents;
  session: Session;
  channels: ChannelSummary[];
}

/** The user's channels on which a chaincode is installed. */
export function channelsWith(context: PanelContext, chaincode: string): string[] {
  return context.channels
    .filter((c) => c.chaincodes.some((cc) => cc.name === chaincode && cc.installed))
    .map((c) => c.name);
}
