import { z } from 'zod';
import { channelName } from '../../chaincode-api/chaincode-call-schemas';
import { deviceReadingSchema } from '../../iot/reading-schema';
import { cents, gatewayUser } from '../common-schemas';
import { did, isoTime, recordId } from '../identity/identity-schemas';

const wholeNumber = (min: number, max: number) => z.number().int('must be a whole number').min(min).max(max);
const price = wholeNumber(0, 1_000_000);

/** A delivery interval, named by its start on the market's grid, e.g. `2025-01-01T10:15:00Z`. */
export const interval = isoTime.meta({
  description: 'The interval’s start, ISO UTC on the market grid, e.g. 2025-01-01T10:15:00Z',
});

export const accountParams = z.object({ channel: channelName, accountDid: did });
export const meterParams = z.object({ channel: channelName, meterDid: did });
export const orderParams = z.object({ channel: channelName, orderId: recordId });
export const intervalParams = z.object({ channel: channelName, interval });

export const marketConfigBody = z
  .object({
    intervalMinutes: wholeNumber(1, 1440).meta({
      description: 'Divides 1440; fixed after the first configuration',
    }),
    gateClosureMinutes: wholeNumber(0, 10_080),
    settlementDelayMinutes: wholeNumber(0, 10_080),
    gridTariffCentsPerKwh: price,
    feedInTariffCentsPerKwh: price.meta({ description: 'At most the grid tariff' }),
    gridFeeCentsPerKwh: price,
  })
  .strict();

export const openAccountBody = z
  .object({
    accountDid: did.meta({ description: 'A DID of the channel holding a valid prosumer credential' }),
    holder: gatewayUser.meta({
      description:
        'The gateway user (token `org` CityMSP or UtilityMSP, `sub`) who will place the account’s orders',
    }),
  })
  .strict();

export const linkMeterBody = z.object({ meterDid: did }).strict();

export const fundsTransferBody = z
  .object({
    transferId: recordId.meta({ description: 'The payment bridge’s reference, unique per account' }),
    amountCents: cents,
    reference: z.string().max(256).optional(),
  })
  .strict();

/**
 * Readings in the one device format (MISSION §6), as the meter signed them: one cumulative register
 * per reading, metric `import_wh` or `export_wh`, value in Wh.
 */
export const meterReadingsBody = z
  .object({ readings: z.array(deviceReadingSchema).min(1).max(500) })
  .strict();

export const placeOrderBody = z
  .object({
    orderId: recordId.meta({ description: 'Chosen by the client; a retry is refused, not doubled' }),
    side: z.enum(['buy', 'sell']).meta({ description: 'buy: a bid; sell: an offer' }),
    accountDid: did,
    interval,
    quantityWh: wholeNumber(1, 1_000_000_000),
    limitPriceCentsPerKwh: price,
  })
  .strict();
