import { GatewayError } from '../api/gateway-client';
import { type Child, fill, h } from './dom';

export type PanelState = 'waiting' | 'live' | 'refused' | 'error';

const STATE_LABEL: Record<PanelState, string> = {
  waiting: 'waiting',
  live: 'live',
  refused: 'not for you',
  error: 'error',
};

/**
 * The frame every panel lives in: a titled region with a status badge (in words, not only colour)
 * and a body. A panel "lights up" (state live) once its chaincode has answered.
 */
export class PanelFrame {
  readonly section: HTMLElement;
  readonly body: HTMLElement;
  private readonly badge: HTMLElement;
  private readonly notice: HTMLElement;
  state: PanelState = 'waiting';

  constructor(
    readonly id: string,
    title: string,
    summary: string,
  ) {
    const headingId = `${id}-heading`;
    this.badge = h('span', { class: 'badge badge-waiting', role: 'status' }, STATE_LABEL.waiting);
    this.notice = h('p', { class: 'notice', hidden: true });
    this.body = h('div', { class: 'panel-body' });
    this.section = h(
      'section',
      { class: 'panel', id, 'aria-labelledby': headingId, 'data-state': 'waiting' },
      h('header', { class: 'panel-head' }, h('h2', { id: headingId }, title), this.badge),
      h('p', { class: 'panel-summary' }, summary),
      this.notice,
      this.body,
    );
  }

  setState(state: PanelState, message?: string): void {
    this.state = state;
    this.section.dataset.state = state;
    this.badge.className = `badge badge-${state}`;
    this.badge.textContent = STATE_LABEL[state];
    this.notice.hidden = !message;
    this.notice.textContent = message ?? '';
  }

  /** Shows what the gateway said when it refused or failed; returns the state it chose. */
  showFailure(error: unknown, what: string): PanelState {
    if (error instanceof GatewayError && error.refused) {
      this.setState('refused', `The gateway does not show ${what} to you: ${error.message}`);
      return 'refused';
    }
    if (error instanceof GatewayError && error.status === 404 && /chaincode|UNKNOWN/.test(error.code)) {
      this.setState('waiting', `Waiting for ${what}: ${error.message}`);
      return 'waiting';
    }
    this.setState('error', `Could not load ${what}: ${errorText(error)}`);
    return 'error';
  }
}

export function errorText(error: unknown): string {
  if (error instanceof GatewayError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

/** A block of the panel body with its own heading. */
export function part(title: string, ...children: Child[]): HTMLElement {
  return h('div', { class: 'part' }, h('h3', {}, title), ...children);
}

/** A table with a caption (for screen readers) and header cells. */
export function table(
  caption: string,
  headers: string[],
  rows: Child[][],
  empty = 'Nothing yet.',
): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', { class: 'visually-hidden' }, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headers.map((text) => h('th', { scope: 'col' }, text)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((cells) =>
          h(
            'tr',
            {},
            cells.map((cell) => h('td', {}, cell)),
          ),
        ),
      ),
    ),
  );
}

/** Runs `fn` once after events stop arriving for `ms` (a burst of events → one refresh). */
export function debounce(fn: () => void, ms = 250): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn();
    }, ms);
  };
}

/** A result line that announces itself to screen readers. */
export function verdict(ok: boolean, text: string): HTMLElement {
  return h('p', { class: ok ? 'verdict ok' : 'verdict bad', role: 'status' }, ok ? '✔ ' : '✘ ', text);
}

export function replaceWith(slot: HTMLElement, ...children: Child[]): void {
  fill(slot, ...children);
}

/** A headline number with its label. */
export function stat(label: string, value: string, id?: string): HTMLElement {
  return h(
    'div',
    { class: 'stat' },
    h('span', { class: 'stat-value', id }, value),
    h('span', { class: 'stat-label' }, label),
  );
}
