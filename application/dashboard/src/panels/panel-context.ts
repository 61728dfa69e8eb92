import type { ChaincodeEvent } from '../api/event-stream';
import type { ChannelSummary, GatewayClient } from '../api/gateway-client';
import type { LedgerEvents } from '../api/ledger-events';
import type { Session } from '../session/token-session';
import { debounce } from '../ui/panel';

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

/**
 * Loads a panel that shows one chaincode's state on one channel: once that channel's replay has
 * caught up (loading earlier would show a picture that is still being rebuilt), and again after
 * each live event of the chaincode. Reloads are debounced because one block can carry many
 * events and each reload queries the ledger.
 */
export function loadWithChaincodeEvents(
  context: PanelContext,
  channel: string,
  chaincode: string,
  load: () => Promise<void>,
): void {
  const reload = debounce(() => void load(), 300);
  let caughtUp = false;
  context.events.subscribe({
    caughtUp: (c) => {
      if (c !== channel) return;
      caughtUp = true;
      void load();
    },
    chaincode: (event: ChaincodeEvent, live) => {
      if (caughtUp && live && event.channel === channel && event.chaincode === chaincode) reload();
    },
  });
}
