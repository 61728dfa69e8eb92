import { expect } from 'chai';
import { FakeLedger } from '@cityledger/chaincode-common/testing';
import {
  auditor,
  cityOperator,
  contract,
  did,
  FakeIdentity,
  holderIdOf,
  MARKET,
  marketWith,
  operator,
  submitFails,
  userOf,
  utilityAdmin,
} from './energy-test-support';
import type { ProsumerAccount } from './records';

const ADA = did('ada');
const ADA_METER = did('meter-ada');

function setup() {
  const ledger = new FakeLedger('energy', '2025-01-01T09:00:00.000Z');
  const identity = new FakeIdentity();
  identity.install(ledger);
  return { ledger, identity };
}

describe('EnergyTradingContract — market and accounts', () => {
  describe('ConfigureMarket', () => {
    it('stores the market parameters and announces them', async () => {
      const { ledger } = setup();
      const config = await ledger.submit(operator, (ctx) =>
        contract.ConfigureMarket(ctx, JSON.stringify(MARKET)),
      );
      expect(config).to.deep.equal({ ...MARKET, updatedAt: '2025-01-01T09:00:01.000Z' });
      expect(await ledger.evaluate(auditor, (ctx) => contract.GetMarketConfig(ctx))).to.deep.equal(config);
      expect(ledger.lastEvent()).to.deep.include({ name: 'MarketConfigured', payload: config });
    });

    it('lets tariffs change but keeps the interval grid fixed', async () => {
      const { ledger } = setup();
      await ledger.submit(operator, (ctx) => contract.ConfigureMarket(ctx, JSON.stringify(MARKET)));
      await ledger.submit(operator, (ctx) =>
        contract.ConfigureMarket(ctx, JSON.stringify({ ...MARKET, gridTariffCentsPerKwh: 35 })),
      );
      expect(
        await submitFails(ledger, operator, (ctx) =>
          contract.ConfigureMarket(ctx, JSON.stringify({ ...MARKET, intervalMinutes: 30 })),
        ),
      ).to.equal('CONFLICT: intervalMinutes is fixed at 15 once the market is configured');
    });

    it('is reserved to UtilityMSP operators', async () => {
      const { ledger } = setup();
      for (const caller of [utilityAdmin, cityOperator, auditor]) {
        expect(
          await submitFails(ledger, caller, (ctx) => contract.ConfigureMarket(ctx, JSON.stringify(MARKET))),
        ).to.match(
          /^ACCESS_DENIED: .* may not configure the energy market; allowed: UtilityMSP with role 'operator'$/,
        );
      }
    });

    it('refuses a malformed configuration, naming the field', async () => {
      const { ledger } = setup();
      expect(await submitFails(ledger, operator, (ctx) => contract.ConfigureMarket(ctx, '{'))).to.match(
        /^INVALID_ARGUMENT: configJson: is not valid JSON/,
      );
    });

    it('answers CONFLICT to queries before the market is configured', async () => {
      const { ledger } = setup();
      expect(await submitFails(ledger, auditor, (ctx) => contract.GetMarketConfig(ctx))).to.equal(
        'CONFLICT: the market is not configured yet (ConfigureMarket)',
      );
    });
  });

  describe('OpenAccount', () => {
    it('opens the account of a prosumer DID for its holder, with zero balances', async () => {
      const { ledger, identity } = setup();
      identity.grantProsumer(ADA);
      const account = await ledger.submit(operator, (ctx) =>
        contract.OpenAccount(ctx, ADA, 'CityMSP', holderIdOf(userOf('ada'))),
      );
      expect(account).to.deep.equal({
        accountDid: ADA,
        holderMspId: 'CityMSP',
        holderId: 'x509::/CN=ada::/CN=ca.citymsp',
        credentialId: 'prosumer-ada',
        balanceCents: 0,
        reservedCents: 0,
        depositedCents: 0,
        withdrawnCents: 0,
        openedAt: '2025-01-01T09:00:01.000Z',
        updatedAt: '2025-01-01T09:00:01.000Z',
      });
      expect(await ledger.evaluate(auditor, (ctx) => contract.GetAccount(ctx, ADA))).to.deep.equal(account);
      expect(ledger.lastEvent()?.name).to.equal('AccountOpened');
    });

    it('refuses a DID without a valid prosumer credential', async () => {
      const { ledger } = setup();
      expect(
        await submitFails(ledger, operator, (ctx) =>
          contract.OpenAccount(ctx, ADA, 'CityMSP', holderIdOf(userOf('ada'))),
        ),
      ).to.equal(`ACCESS_DENIED: ${ADA} holds no valid 'prosumer' credential (no-credential)`);
    });

    it('refuses a second account for the same DID', async () => {
      const { ledger, identity } = setup();
      identity.grantProsumer(ADA);
      await ledger.submit(operator, (ctx) =>
        contract.OpenAccount(ctx, ADA, 'CityMSP', holderIdOf(userOf('ada'))),
      );
      expect(
        await submitFails(ledger, operator, (ctx) =>
          contract.OpenAccount(ctx, ADA, 'CityMSP', holderIdOf(userOf('ada'))),
        ),
      ).to.equal(`CONFLICT: account ${ADA} already exists`);
    });

    it('validates the DID, the holder MSP and the holder identity', async () => {
      const { ledger } = setup();
      const holder = holderIdOf(userOf('ada'));
      expect(
        await submitFails(ledger, operator, (ctx) => contract.OpenAccount(ctx, 'ada', 'CityMSP', holder)),
      ).to.match(/^INVALID_ARGUMENT: accountDid: must be a DID/);
      expect(
        await submitFails(ledger, operator, (ctx) =>
          contract.OpenAccount(ctx, 'did:cityledger:civic:ada', 'CityMSP', holder),
        ),
      ).to.equal("INVALID_ARGUMENT: accountDid: must be a DID of channel 'energy', got one of 'civic'");
      expect(
        await submitFails(ledger, operator, (ctx) => contract.OpenAccount(ctx, ADA, 'AuditorMSP', holder)),
      ).to.match(/^INVALID_ARGUMENT: holderMspId: must be one of 'CityMSP', 'UtilityMSP'/);
      expect(
        await submitFails(ledger, operator, (ctx) => contract.OpenAccount(ctx, ADA, 'CityMSP', 'ada')),
      ).to.match(/^INVALID_ARGUMENT: holderId: must be an X.509 identity/);
    });

    it('is reserved to UtilityMSP operators', async () => {
      const { ledger, identity } = setup();
      identity.grantProsumer(ADA);
      expect(
        await submitFails(ledger, userOf('ada'), (ctx) =>
          contract.OpenAccount(ctx, ADA, 'CityMSP', holderIdOf(userOf('ada'))),
        ),
      ).to.match(/^ACCESS_DENIED: CityMSP 'citizen' may not open a prosumer account/);
    });
  });

  describe('LinkMeter', () => {
    async function withAccount() {
      const { ledger, identity } = setup();
      identity.grantProsumer(ADA);
      await ledger.submit(operator, (ctx) =>
        contract.OpenAccount(ctx, ADA, 'CityMSP', holderIdOf(userOf('ada'))),
      );
      return { ledger, identity };
    }

    it('links a smart meter owned by the account DID', async () => {
      const { ledger, identity } = await withAccount();
      identity.registerMeter(ADA_METER, ADA);
      const link = await ledger.submit(operator, (ctx) => contract.LinkMeter(ctx, ADA, ADA_METER));
      expect(link).to.deep.equal({
        meterDid: ADA_METER,
        accountDid: ADA,
        linkedAt: '2025-01-01T09:00:02.000Z',
      });
      expect(ledger.lastEvent()).to.deep.include({ name: 'MeterLinked', payload: link });
      expect(await ledger.evaluate(auditor, (ctx) => contract.GetMeter(ctx, ADA_METER))).to.deep.equal(link);
      const page = await ledger.evaluate(auditor, (ctx) => contract.ListAccountMeters(ctx, ADA, '', ''));
      expect(page.records).to.deep.equal([link]);
    });

    it('links several meters to one account', async () => {
      const { ledger, identity } = await withAccount();
      identity.registerMeter(ADA_METER, ADA);
      identity.registerMeter(did('meter-ada-2'), ADA);
      await ledger.submit(operator, (ctx) => contract.LinkMeter(ctx, ADA, ADA_METER));
      await ledger.submit(operator, (ctx) => contract.LinkMeter(ctx, ADA, did('meter-ada-2')));
      const page = await ledger.evaluate(auditor, (ctx) => contract.ListAccountMeters(ctx, ADA, '', ''));
      expect(page.records.map((r) => r.meterDid)).to.deep.equal([ADA_METER, did('meter-ada-2')]);
    });

    it('refuses a meter already linked, owned by someone else, deactivated, or not a smart meter', async () => {
      const { ledger, identity } = await withAccount();
      identity.registerMeter(ADA_METER, ADA);
      await ledger.submit(operator, (ctx) => contract.LinkMeter(ctx, ADA, ADA_METER));
      expect(await submitFails(ledger, operator, (ctx) => contract.LinkMeter(ctx, ADA, ADA_METER))).to.equal(
        `CONFLICT: meter ${ADA_METER} is already linked to ${ADA}`,
      );
      identity.registerMeter(did('meter-bob'), did('bob'));
      expect(
        await submitFails(ledger, operator, (ctx) => contract.LinkMeter(ctx, ADA, did('meter-bob'))),
      ).to.equal(`CONFLICT: meter ${did('meter-bob')} is owned by ${did('bob')}, not by ${ADA}`);
      identity.registerMeter(did('meter-old'), ADA).deactivate();
      expect(
        await submitFails(ledger, operator, (ctx) => contract.LinkMeter(ctx, ADA, did('meter-old'))),
      ).to.equal(`CONFLICT: meter ${did('meter-old')} is deactivated`);
      identity.registerMeter(did('charger'), ADA, { kind: 'ev-charger' });
      expect(
        await submitFails(ledger, operator, (ctx) => contract.LinkMeter(ctx, ADA, did('charger'))),
      ).to.equal(`INVALID_ARGUMENT: meterDid: ${did('charger')} is not a smart meter`);
      expect(
        await submitFails(ledger, operator, (ctx) => contract.LinkMeter(ctx, ADA, did('ghost'))),
      ).to.equal(`NOT_FOUND: identity.GetDid: DID ${did('ghost')} does not exist`);
    });

    it('refuses a meter for an unknown account and callers other than UtilityMSP operators', async () => {
      const { ledger, identity } = await withAccount();
      identity.registerMeter(did('meter-bob'), did('bob'));
      expect(
        await submitFails(ledger, operator, (ctx) => contract.LinkMeter(ctx, did('bob'), did('meter-bob'))),
      ).to.equal(`NOT_FOUND: account ${did('bob')} does not exist`);
      expect(
        await submitFails(ledger, userOf('ada'), (ctx) => contract.LinkMeter(ctx, ADA, ADA_METER)),
      ).to.match(/^ACCESS_DENIED: .* may not link a meter/);
    });
  });

  describe('Deposit and Withdraw', () => {
    it('credits and debits the balance and keeps a record of each transfer', async () => {
      const { ledger } = await marketWith(new FakeLedger('energy', '2025-01-01T09:00:00.000Z'), { ada: 0 });
      const deposit = await ledger.submit(operator, (ctx) =>
        contract.Deposit(ctx, ADA, 'bank-1', '5000', 'SEPA 123'),
      );
      expect(deposit).to.include({
        kind: 'deposit',
        amountCents: 5000,
        balanceAfterCents: 5000,
        reference: 'SEPA 123',
      });
      expect(ledger.lastEvent()?.name).to.equal('FundsDeposited');
      const withdrawal = await ledger.submit(operator, (ctx) =>
        contract.Withdraw(ctx, ADA, 'bank-2', '1500', ''),
      );
      expect(withdrawal).to.include({
        kind: 'withdrawal',
        amountCents: 1500,
        balanceAfterCents: 3500,
        reference: '',
      });
      expect(ledger.lastEvent()?.name).to.equal('FundsWithdrawn');
      const account = (await ledger.evaluate(auditor, (ctx) =>
        contract.GetAccount(ctx, ADA),
      )) as ProsumerAccount;
      expect(account).to.include({ balanceCents: 3500, depositedCents: 5000, withdrawnCents: 1500 });
      const transfers = await ledger.evaluate(auditor, (ctx) =>
        contract.ListAccountTransfers(ctx, ADA, '10', ''),
      );
      expect(transfers.records.map((t) => t.transferId)).to.deep.equal(['bank-1', 'bank-2']);
    });

    it('refuses a reused transfer id, so a retried deposit is not paid twice', async () => {
      const { ledger } = await marketWith(new FakeLedger('energy', '2025-01-01T09:00:00.000Z'), { ada: 0 });
      await ledger.submit(operator, (ctx) => contract.Deposit(ctx, ADA, 'bank-1', '5000', ''));
      expect(
        await submitFails(ledger, operator, (ctx) => contract.Deposit(ctx, ADA, 'bank-1', '5000', '')),
      ).to.equal(`CONFLICT: transfer bank-1 of ${ADA} already exists`);
    });

    it('refuses to withdraw more than the available balance', async () => {
      const { ledger } = await marketWith(new FakeLedger('energy', '2025-01-01T09:00:00.000Z'), {
        ada: 1000,
      });
      expect(
        await submitFails(ledger, operator, (ctx) => contract.Withdraw(ctx, ADA, 'out-1', '1001', '')),
      ).to.equal(`CONFLICT: insufficient available balance: ${ADA} has 1000 cents available, asked 1001`);
    });

    it('validates amounts and ids and is reserved to UtilityMSP operators', async () => {
      const { ledger } = await marketWith(new FakeLedger('energy', '2025-01-01T09:00:00.000Z'), { ada: 0 });
      expect(
        await submitFails(ledger, operator, (ctx) => contract.Deposit(ctx, ADA, 'b1', '0', '')),
      ).to.match(/^INVALID_ARGUMENT: amountCents: must be between 1 and/);
      expect(
        await submitFails(ledger, operator, (ctx) => contract.Deposit(ctx, ADA, 'b1', '10.5', '')),
      ).to.match(/^INVALID_ARGUMENT: amountCents: must be an integer/);
      expect(
        await submitFails(ledger, operator, (ctx) => contract.Deposit(ctx, ADA, 'b 1', '10', '')),
      ).to.match(/^INVALID_ARGUMENT: transferId:/);
      expect(
        await submitFails(ledger, operator, (ctx) => contract.Deposit(ctx, did('bob'), 'b1', '10', '')),
      ).to.equal(`NOT_FOUND: account ${did('bob')} does not exist`);
      expect(
        await submitFails(ledger, userOf('ada'), (ctx) => contract.Deposit(ctx, ADA, 'b1', '10', '')),
      ).to.match(/^ACCESS_DENIED: .* may not deposit funds/);
      expect(
        await submitFails(ledger, auditor, (ctx) => contract.Withdraw(ctx, ADA, 'b1', '10', '')),
      ).to.match(/^ACCESS_DENIED: .* may not withdraw funds/);
    });
  });
});
