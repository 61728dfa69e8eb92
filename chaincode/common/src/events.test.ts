import { expect } from 'chai';
import { FakeLedger } from './testing';
import { emitEvent, emittedEvent } from './events';

describe('events', () => {
  it('emits the payload as canonical JSON', async () => {
    const ledger = new FakeLedger();
    await ledger.submit({ mspId: 'CityMSP' }, async (ctx, tx) => {
      emitEvent(ctx, 'ThingHappened', { z: 1, a: { y: 2, b: 3 } });
      expect(tx.event!.payload.toString()).to.equal('{"a":{"b":3,"y":2},"z":1}');
      expect(emittedEvent(ctx)).to.equal('ThingHappened');
    });
    expect(ledger.lastEvent()).to.deep.include({ name: 'ThingHappened' });
  });

  it('refuses a second event in the same transaction, since Fabric would drop the first', async () => {
    const ledger = new FakeLedger();
    const { ctx } = ledger.begin({ mspId: 'CityMSP' });
    emitEvent(ctx, 'First', {});
    expect(() => emitEvent(ctx, 'Second', {})).to.throw(/already emitted 'First'/);
  });

  it('lets the next transaction emit again', async () => {
    const ledger = new FakeLedger();
    emitEvent(ledger.begin({ mspId: 'CityMSP' }).ctx, 'First', {});
    expect(() => emitEvent(ledger.begin({ mspId: 'CityMSP' }).ctx, 'First', {})).to.not.throw();
  });

  it('refuses names that are not PascalCase', () => {
    const { ctx } = new FakeLedger().begin({ mspId: 'CityMSP' });
    expect(() => emitEvent(ctx, 'bad name', {})).to.throw(/PascalCase/);
  });
});
