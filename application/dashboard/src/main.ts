import './styles.css';
import { GatewayClient, type ChannelSummary } from './api/gateway-client';
import { LedgerEvents } from './api/ledger-events';
import { mountDonationsPanel } from './panels/donations-panel';
import { mountEnergyPanel } from './panels/energy-panel';
import { mountIotPanel } from './panels/iot-panel';
import { mountLandPanel } from './panels/land-panel';
import { mountLedgerPanel } from './panels/ledger-panel';
import type { PanelContext } from './panels/panel-context';
import { mountVotingPanel } from './panels/voting-panel';
import { type Session, clearSession, parseToken, restoreSession, saveSession } from './session/token-session';
import { fill, h } from './ui/dom';
import { errorText } from './ui/panel';

const main = document.getElementById('main')!;
const sessionBox = document.getElementById('session')!;
let events: LedgerEvents | undefined;

function signOut(): void {
  events?.stop();
  events = undefined;
  clearSession();
  fill(sessionBox);
  showSignIn();
}

function showSignIn(problem?: string): void {
  const tokenInput = h('textarea', {
    id: 'token',
    name: 'token',
    rows: 4,
    required: true,
    spellcheck: 'false',
    autocomplete: 'off',
    'aria-describedby': 'token-help',
  });
  const message = h('p', { class: 'verdict bad', role: 'alert', hidden: !problem }, problem ?? '');
  const form = h(
    'form',
    { class: 'sign-in', 'aria-labelledby': 'sign-in-heading' },
    h('h2', { id: 'sign-in-heading' }, 'Sign in'),
    h('label', { for: 'token' }, 'Gateway token (JWT)'),
    tokenInput,
    h(
      'p',
      { id: 'token-help', class: 'hint' },
      'Paste the token your organisation gave you. On the default setup, make one with ',
      h('code', {}, 'npm run token -- --sub alice --org CityMSP --role registrar'),
      '. The dashboard shows what your organisation and role may see; the gateway checks every request.',
    ),
    message,
    h('button', { type: 'submit', id: 'sign-in-button' }, 'Sign in'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const parsed = parseToken(tokenInput.value);
    if ('problem' in parsed) {
      message.hidden = false;
      message.textContent = parsed.problem;
      tokenInput.focus();
      return;
    }
    void start(parsed);
  });
  fill(main, form);
  tokenInput.focus();
}

async function start(session: Session): Promise<void> {
  const client = new GatewayClient(session.token);
  let channels: ChannelSummary[];
  try {
    channels = await client.channels();
  } catch (error) {
    clearSession();
    showSignIn(`The gateway did not accept the token: ${errorText(error)}`);
    return;
  }
  saveSession(session);
  const { sub, org, role } = session.claims;
  fill(
    sessionBox,
    h('span', { id: 'signed-in-as' }, `${sub} · ${org} · ${role}`),
    ' ',
    h('button', { type: 'button', class: 'small', onclick: signOut }, 'Sign out'),
  );
  events = new LedgerEvents(session.token, channels);
  const context: PanelContext = { client, events, session, channels };
  const panels = [
    mountIotPanel(context),
    mountEnergyPanel(context),
    mountLandPanel(context),
    mountVotingPanel(context),
    mountDonationsPanel(context),
    mountLedgerPanel(context),
  ];
  const nav = h(
    'nav',
    { class: 'panel-nav', 'aria-label': 'Panels' },
    h(
      'ul',
      {},
      panels.map((p) =>
        h('li', {}, h('a', { href: `#${p.id}` }, p.section.querySelector('h2')!.textContent ?? p.id)),
      ),
    ),
  );
  const streamStatus = h(
    'p',
    { class: 'stream-status', role: 'status', id: 'stream-status' },
    'Connecting to the event stream…',
  );
  events.subscribe({
    status: (channel, status) => {
      streamStatus.textContent =
        status.state === 'open'
          ? `Live: ${channels.map((c) => c.name).join(', ')}`
          : status.state === 'retrying'
            ? `Event stream of ${channel} interrupted (${status.reason}); reconnecting in ${Math.round(status.inMs / 1000)} s`
            : status.state === 'refused'
              ? `Event stream of ${channel} refused: ${status.message}`
              : `Connecting to ${channel}…`;
    },
  });
  fill(
    main,
    nav,
    streamStatus,
    h(
      'div',
      { class: 'panels' },
      panels.map((p) => p.section),
    ),
  );
  events.start();
}

const restored = restoreSession();
if (restored) void start(restored);
else showSignIn();
