/**
 * The hashes of CityLedger's Merkle trees (RFC 6962 §2.1): a leaf is SHA-256(0x00 ‖ leaf data), an
 * inner node SHA-256(0x01 ‖ left ‖ right). The distinct prefixes stop an inner node from passing
 * as a leaf (the second-preimage attack on plain Merkle trees). Hashes travel as lower-case hex.
 *
 * SHA-256 comes from @noble/hashes rather than node:crypto or WebCrypto: node:crypto does not exist
 * in browsers, and WebCrypto only digests asynchronously, which would make every tree operation of
 * the chaincode and the gateway async. noble's is synchronous, audited, free of dependencies and
 * the same code in Node and the browser, so both compute the same bytes with one implementation.
 */
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils';
import { canonicalJson } from './canonical-json';

/** What a leaf hashes: bytes, or text taken as its UTF-8 bytes. */
export type LeafData = Uint8Array | string;

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

export function leafHashBytes(data: LeafData): Uint8Array {
  return sha256
    .create()
    .update(LEAF_PREFIX)
    .update(typeof data === 'string' ? utf8ToBytes(data) : data)
    .digest();
}

export function nodeHashBytes(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256.create().update(NODE_PREFIX).update(left).update(right).digest();
}

/** The leaf hash (hex) of `data`. */
export function leafHash(data: LeafData): string {
  return bytesToHex(leafHashBytes(data));
}

/** The hash (hex) of the inner node over two child hashes (hex). */
export function nodeHash(left: string, right: string): string {
  return bytesToHex(nodeHashBytes(hashBytes(left), hashBytes(right)));
}

/**
 * The leaf hash of a JSON value: of its canonical JSON. A telemetry leaf is the full reading,
 * signature included; a ballot's leaf is `{choice, electionId, nullifier}`.
 */
export function jsonLeafHash(value: unknown): string {
  return leafHash(canonicalJson(value));
}

/** SHA-256 of the empty string: the root of a tree without leaves (RFC 6962 §2.1). */
export const EMPTY_TREE_ROOT = bytesToHex(sha256(new Uint8Array(0)));

export function isSha256Hex(value: unknown): value is string {
  return typeof value === 'string' && SHA256_HEX.test(value);
}

/** The 32 bytes of a hash written as 64 hex digits (either case); anything else is refused. */
export function hashBytes(hex: string): Uint8Array {
  if (!isSha256Hex(hex)) throw new TypeError(`${JSON.stringify(hex)} is not a SHA-256 hash in hex`);
  return hexToBytes(hex);
}
