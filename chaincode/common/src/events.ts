/**
 * Chaincode events. Fabric keeps only the last `setEvent` of a transaction, so a second call would
 * silently drop the first event; {@link emitEvent} refuses it instead. A contract that has several
 * things to say folds them into one payload.
 *
 * Payload: the canonical JSON (sorted keys, no whitespace) of the object passed in. The event name
 * and the transaction id travel in the ChaincodeEvent itself (`eventName`, `txId`).
 */
import type { Context } from 'fabric-contract-api';
import { canonicalJsonBuffer } from './canonical-json';

const EVENT_NAME = /^[A-Z][A-Za-z0-9]{0,63}$/;

/** The stub is created per transaction (and per cross-chaincode call), so it identifies the transaction. */
const emitted = new WeakMap<object, string>();

export function emitEvent(ctx: Context, name: string, payload: Record<string, unknown>): void {
  if (!EVENT_NAME.test(name)) {
    throw new Error(`emitEvent: '${name}' is not a PascalCase event name`);
  }
  const previous = emitted.get(ctx.stub);
  if (previous !== undefined) {
    throw new Error(
      `emitEvent: this transaction already emitted '${previous}'; Fabric keeps one event per transaction`,
    );
  }
  const bytes = canonicalJsonBuffer(payload);
  ctx.stub.setEvent(name, bytes);
  emitted.set(ctx.stub, name);
}

/** The event already emitted by this transaction, if any. */
export function emittedEvent(ctx: Context): string | undefined {
  return emitted.get(ctx.stub);
}
