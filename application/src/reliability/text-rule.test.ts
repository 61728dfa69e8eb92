import { InvalidArgumentError, parseJson, parseString } from '@cityledger/chaincode-common';
import { expect } from 'chai';
import fc from 'fast-check';
import { checkJsonBodyShape } from '../http/json-body-shape';
import { deviceReadingSchema } from '../iot/reading-schema';

/** Any UTF-16 code units, lone surrogates a frequent pick so that both outcomes are common. */
const codeUnits = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0x20, max: 0x7e }),
      fc.integer({ min: 0xa0, max: 0xd7ff }),
      fc.integer({ min: 0xd800, max: 0xdfff }),
      fc.integer({ min: 0xe000, max: 0xfffd }),
    ),
    { minLength: 1, maxLength: 32 },
  )
  .map((units) => String.fromCharCode(...units));

const wellFormed = (text: string) => (text as string & { isWellFormed(): boolean }).isWellFormed();

function httpBodyRefuses(body: unknown): boolean {
  let refused = false;
  checkJsonBodyShape()({ body } as never, {} as never, (error?: unknown) => (refused = error !== undefined));
  return refused;
}

const reading = (unit: string) => ({
  deviceId: 'did:cityledger:civic:aq-1',
  seq: 1,
  timestamp: '2025-01-01T10:00:00Z',
  metric: 'pm2_5',
  value: 12.5,
  unit,
  signature: 'MEUCIQDsignature',
});

function chaincodeRefuses(parse: () => unknown): boolean {
  try {
    parse();
    return false;
  } catch (error) {
    if (error instanceof InvalidArgumentError) return true;
    throw error;
  }
}

/**
 * One rule for text wherever it enters: a string with a lone UTF-16 surrogate is refused by the
 * REST body check, by the device reading schema (HTTP and MQTT readings both pass through it) and
 * by the chaincode argument parsers, including strings inside JSON arguments; every well-formed
 * string passes the rule (other rules, such as no control characters, are not in play here).
 */
describe('one rule for text: lone UTF-16 surrogates are refused everywhere, well-formed text nowhere', () => {
  it('the REST body check, the reading schema and the chaincode parsers agree on every generated string', () => {
    fc.assert(
      fc.property(codeUnits, (text) => {
        const refuse = !wellFormed(text);
        expect(httpBodyRefuses({ name: text }), 'REST body').to.equal(refuse);
        expect(httpBodyRefuses({ [text]: 1 }), 'REST body key').to.equal(refuse);
        expect(deviceReadingSchema.safeParse(reading(text)).success, 'device reading').to.equal(!refuse);
        expect(
          chaincodeRefuses(() => parseString('name', text)),
          'chaincode argument',
        ).to.equal(refuse);
        expect(
          chaincodeRefuses(() => parseJson('json', JSON.stringify({ unit: text }))),
          'string inside a JSON chaincode argument',
        ).to.equal(refuse);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses the reading the attack run landed, "unit":"ug\\ud800", naming the field', () => {
    const parsed = deviceReadingSchema.safeParse(reading('ug\ud800'));
    expect(parsed.success).to.equal(false);
    expect(parsed.error!.issues[0]!.path).to.deep.equal(['unit']);
    expect(() => parseJson('readingsJson', '[{"unit":"ug\\ud800"}]')).to.throw(
      InvalidArgumentError,
      'readingsJson[0].unit: contains a lone UTF-16 surrogate',
    );
  });
});
