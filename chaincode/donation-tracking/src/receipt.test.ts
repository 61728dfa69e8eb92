import { expect } from 'chai';
import { parseReceiptSecret, receiptHashOf } from './receipt';

describe('donation receipts', () => {
  it('hashes the secret with SHA-256 over its UTF-8 text, as sha256sum does', () => {
    expect(receiptHashOf('a'.repeat(32))).to.equal(
      '3ba3f5f43b92602683c19aee62a20342b084dd5971ddd33808d81a328879a547',
    );
  });

  it('refuses secrets short enough to be guessed or with characters outside hex/base64', () => {
    expect(() => parseReceiptSecret('receiptSecret', 'abc')).to.throw(
      'INVALID_ARGUMENT: receiptSecret: must be at least 32 characters long',
    );
    expect(() => parseReceiptSecret('receiptSecret', `${'a'.repeat(32)} `)).to.throw(
      /receiptSecret: must be hex or base64/,
    );
    expect(parseReceiptSecret('receiptSecret', 'Zm9v'.repeat(8))).to.equal('Zm9v'.repeat(8));
  });
});
