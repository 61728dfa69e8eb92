import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import {
  formatDid,
  parseArray,
  parseBookmark,
  parseDid,
  parseEnum,
  parseFiniteNumber,
  parseId,
  parseIdOrDid,
  parseInteger,
  parseIsoDate,
  parseIsoTimestamp,
  parseJsonObject,
  parseOptionalString,
  parseP256PublicKeyPem,
  parsePageSize,
  parsePositiveInteger,
  parseSha256Hex,
  parseString,
} from './arguments';

describe('argument validation', () => {
  describe('parseId', () => {
    it('accepts letters, digits, dot, underscore and dash', () => {
      expect(parseId('id', 'meter-01.a_b')).to.equal('meter-01.a_b');
    });

    for (const [label, bad] of [
      ['the composite key separator U+0000', 'a\u0000b'],
      ['control character U+0001', 'a\u0001'],
      ['control character U+001F', 'a\u001f'],
      ['DEL U+007F', 'a\u007f'],
      ['U+10FFFF', 'a\uDBFF\uDFFF'],
      ['a colon', 'a:b'],
      ['a slash', 'a/b'],
      ['a space', 'a b'],
      ['a leading dash', '-a'],
    ]) {
      it(`rejects an id containing ${label}`, () => {
        expect(() => parseId('deviceId', bad)).to.throw(/^INVALID_ARGUMENT: deviceId: must contain only/);
      });
    }

    it('rejects an empty, overlong or non-string id naming the field', () => {
      expect(() => parseId('batchId', '')).to.throw('INVALID_ARGUMENT: batchId: must not be empty');
      expect(() => parseId('batchId', 'x'.repeat(129))).to.throw(
        /^INVALID_ARGUMENT: batchId: must be at most 128/,
      );
      expect(() => parseId('batchId', 7)).to.throw(/^INVALID_ARGUMENT: batchId: must be a string id/);
    });
  });

  describe('parseDid', () => {
    it('splits a DID into channel and id', () => {
      expect(parseDid('did', 'did:cityledger:energy:meter-1')).to.deep.equal({
        did: 'did:cityledger:energy:meter-1',
        channel: 'energy',
        id: 'meter-1',
      });
      expect(formatDid('civic', 'p1')).to.equal('did:cityledger:civic:p1');
    });

    it('rejects other methods, missing ids and injected separators', () => {
      for (const bad of [
        'did:web:x',
        'did:cityledger:energy:',
        'did:cityledger:energy:a\u0000b',
        'did:cityledger:Energy:a',
      ]) {
        expect(() => parseDid('subjectDid', bad)).to.throw(/^INVALID_ARGUMENT: subjectDid: must be a DID/);
      }
    });

    it('rejects a DID of another channel when the channel is given', () => {
      expect(() => parseDid('did', 'did:cityledger:civic:a', { channel: 'energy' })).to.throw(
        "INVALID_ARGUMENT: did: must be a DID of channel 'energy', got one of 'civic'",
      );
    });

    it('accepts either a DID or a plain id where both are allowed', () => {
      expect(parseIdOrDid('deviceId', 'did:cityledger:civic:aq-1')).to.equal('did:cityledger:civic:aq-1');
      expect(parseIdOrDid('deviceId', 'aq-1')).to.equal('aq-1');
      expect(() => parseIdOrDid('deviceId', 'did:x')).to.throw(/deviceId: must be a DID/);
    });
  });

  describe('parseIsoTimestamp', () => {
    it('normalises a UTC timestamp to millisecond precision', () => {
      expect(parseIsoTimestamp('from', '2025-03-01T10:00:00Z')).to.equal('2025-03-01T10:00:00.000Z');
      expect(parseIsoTimestamp('from', '2025-03-01T10:00:00.123456789Z')).to.equal(
        '2025-03-01T10:00:00.123Z',
      );
    });

    it('takes every RFC 3339 spelling of a UTC instant: lower case, any fraction, +00:00', () => {
      for (const spelling of [
        '2026-01-01T00:00:00Z',
        '2026-01-01t00:00:00z',
        '2026-01-01T00:00:00+00:00',
        '2026-01-01T00:00:00.0Z',
        '2026-01-01T00:00:00.000000000000Z',
      ]) {
        expect(parseIsoTimestamp('at', spelling), spelling).to.equal('2026-01-01T00:00:00.000Z');
      }
      expect(parseIsoTimestamp('at', `2026-01-01T00:00:00.9999${'9'.repeat(30)}Z`)).to.equal(
        '2026-01-01T00:00:00.999Z',
      );
    });

    it('refuses an unknown offset (-00:00), a space for T and a leap second', () => {
      expect(() => parseIsoTimestamp('at', '2026-01-01T00:00:00-00:00')).to.throw(
        /^INVALID_ARGUMENT: at: must be an ISO-8601 UTC timestamp \(RFC 3339\)/,
      );
      expect(() => parseIsoTimestamp('at', '2026-01-01 00:00:00Z')).to.throw(
        /^INVALID_ARGUMENT: at: must be/,
      );
      expect(() => parseIsoTimestamp('at', '2016-12-31T23:59:60Z')).to.throw(
        /^INVALID_ARGUMENT: at: names a leap second/,
      );
    });

    it('rejects offsets, impossible dates and non-strings', () => {
      expect(() => parseIsoTimestamp('to', '2025-03-01T10:00:00+01:00')).to.throw(
        /^INVALID_ARGUMENT: to: must be an ISO-8601/,
      );
      expect(() => parseIsoTimestamp('to', '2025-02-30T10:00:00Z')).to.throw(
        /^INVALID_ARGUMENT: to: is not a valid instant/,
      );
      expect(() => parseIsoTimestamp('to', 1)).to.throw(/^INVALID_ARGUMENT: to:/);
    });

    it('checks calendar dates', () => {
      expect(parseIsoDate('birthDate', '2000-02-29')).to.equal('2000-02-29');
      expect(() => parseIsoDate('birthDate', '2001-02-29')).to.throw(
        /^INVALID_ARGUMENT: birthDate: is not a calendar date/,
      );
    });
  });

  describe('numbers', () => {
    it('parses positive integer amounts from strings and numbers', () => {
      expect(parsePositiveInteger('count', '42')).to.equal(42);
      expect(parsePositiveInteger('count', 42)).to.equal(42);
    });

    it('rejects zero, negatives, fractions, leading zeros and unsafe integers', () => {
      expect(() => parsePositiveInteger('count', '0')).to.throw(
        'INVALID_ARGUMENT: count: must be between 1 and',
      );
      expect(() => parsePositiveInteger('count', -3)).to.throw(/count: must be between 1/);
      expect(() => parsePositiveInteger('count', 1.5)).to.throw(/count: must be an integer between/);
      expect(() => parsePositiveInteger('count', '01')).to.throw(/count: must be an integer, got "01"/);
      expect(() => parsePositiveInteger('count', '9007199254740993')).to.throw(
        /count: must be an integer between/,
      );
    });

    it('bounds ranges', () => {
      expect(() => parseInteger('seq', 11, { min: 0, max: 10 })).to.throw(
        'INVALID_ARGUMENT: seq: must be between 0 and 10, got 11',
      );
      expect(parseFiniteNumber('limit', '-2.5e1')).to.equal(-25);
      expect(() => parseFiniteNumber('limit', 'abc')).to.throw(/limit: must be a finite number/);
    });

    it('bounds page sizes to 1..200 with a default', () => {
      expect(parsePageSize('pageSize', '')).to.equal(50);
      expect(parsePageSize('pageSize', '200')).to.equal(200);
      expect(() => parsePageSize('pageSize', '201')).to.throw(
        /^INVALID_ARGUMENT: pageSize: must be between 1 and 200/,
      );
      expect(() => parsePageSize('pageSize', '0')).to.throw(/pageSize/);
      expect(parseBookmark('bookmark', '')).to.equal('');
    });
  });

  describe('hashes, keys and JSON', () => {
    it('accepts a SHA-256 hex digest and lower-cases it', () => {
      expect(parseSha256Hex('merkleRoot', 'AB'.repeat(32))).to.equal('ab'.repeat(32));
      expect(() => parseSha256Hex('merkleRoot', 'ab'.repeat(31))).to.throw(
        /^INVALID_ARGUMENT: merkleRoot: must be a SHA-256/,
      );
    });

    it('accepts a P-256 public key and re-encodes it as SPKI PEM', () => {
      const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
      expect(parseP256PublicKeyPem('publicKeyPem', `\n${pem}\n`).pem).to.equal(pem);
    });

    it('rejects keys on other curves, RSA keys, private keys and garbage', () => {
      const secp384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
      expect(() =>
        parseP256PublicKeyPem(
          'publicKeyPem',
          secp384.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        ),
      ).to.throw(
        /^INVALID_ARGUMENT: publicKeyPem: must be an EC key on curve P-256 \(prime256v1\), got ec on secp384r1/,
      );
      const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
      expect(() =>
        parseP256PublicKeyPem(
          'publicKeyPem',
          rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        ),
      ).to.throw(/publicKeyPem: must be an EC key on curve P-256 \(prime256v1\), got rsa/);
      const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      expect(() =>
        parseP256PublicKeyPem(
          'publicKeyPem',
          p256.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        ),
      ).to.throw(/private keys are never accepted/);
      expect(() =>
        parseP256PublicKeyPem('publicKeyPem', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'),
      ).to.throw(/publicKeyPem: is not a readable PEM public key/);
    });

    it('parses JSON objects and refuses arrays, bad JSON and unknown fields', () => {
      expect(parseJsonObject('batch', '{"a":1}')).to.deep.equal({ a: 1 });
      expect(() => parseJsonObject('batch', '[1]')).to.throw(
        'INVALID_ARGUMENT: batch: must be a JSON object, got an array',
      );
      expect(() => parseJsonObject('batch', '{')).to.throw(/^INVALID_ARGUMENT: batch: is not valid JSON/);
      expect(() => parseJsonObject('batch', '{"a":1,"x":2}', { allowedKeys: ['a'] })).to.throw(
        "batch: has unknown field(s) 'x'",
      );
      expect(() => parseJsonObject('batch', '"x"'.padEnd(20, ' '), { maxBytes: 10 })).to.throw(
        /at most 10 bytes/,
      );
    });

    it('refuses a lone surrogate escaped inside JSON text, in a value or a key, naming where', () => {
      expect(() => parseJsonObject('reading', '{"unit":"ug\\ud800"}')).to.throw(
        'INVALID_ARGUMENT: reading.unit: contains a lone UTF-16 surrogate',
      );
      expect(() => parseJsonObject('reading', '{"\\udc00":1}')).to.throw(
        'INVALID_ARGUMENT: reading: contains a lone UTF-16 surrogate',
      );
      expect(parseJsonObject('reading', '{"unit":"\\ud83d\\ude00"}')).to.deep.equal({ unit: '\u{1F600}' });
    });

    it('parses arrays item by item, naming the failing item', () => {
      expect(parseArray('metrics', '["a","b"]', (f, v) => parseId(f, v))).to.deep.equal(['a', 'b']);
      expect(() => parseArray('metrics', ['a', 'b c'], (f, v) => parseId(f, v))).to.throw(
        /^INVALID_ARGUMENT: metrics\[1\]:/,
      );
      expect(() => parseArray('metrics', ['a', 'a'], (f, v) => parseId(f, v), { unique: true })).to.throw(
        /metrics\[1\]: duplicates/,
      );
      expect(() => parseArray('metrics', [], (_f, v) => v, { minItems: 1 })).to.throw(
        'metrics: must have at least 1 item(s)',
      );
    });

    it('checks text for length, control characters and enums', () => {
      expect(parseString('name', 'Town Hall')).to.equal('Town Hall');
      expect(() => parseString('name', 'a\nb')).to.throw(
        'INVALID_ARGUMENT: name: must not contain control characters',
      );
      expect(() => parseString('name', 'x'.repeat(11), { maxLength: 10 })).to.throw(/at most 10/);
      expect(parseOptionalString('reason', '')).to.equal(undefined);
      expect(parseEnum('comparison', 'gt', ['gt', 'lt'])).to.equal('gt');
      expect(() => parseEnum('comparison', 'eq', ['gt', 'lt'])).to.throw(
        "comparison: must be one of 'gt', 'lt', got \"eq\"",
      );
    });
  });
});
