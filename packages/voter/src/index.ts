/**
 * @cityledger/voter — the voter's and the election authority's side of CityLedger's blind-signed
 * voting tokens: blinding, signing, unblinding, and the checks the voting contract makes. It has
 * no Fabric dependency, so a voter's app loads it without the chaincode runtime.
 */
export {
  TokenKeyError,
  bigIntToHex,
  bytesToBigInt,
  gcd,
  modInverse,
  modPow,
  parseRsaPublicKeyPem,
  tokenMessage,
  verifyRaw,
  verifyTokenSignature,
  MAX_MODULUS_BITS,
  MIN_MODULUS_BITS,
  type RsaPublicKey,
} from './blind-rsa';
export { prepareVotingToken, signBlinded, unblindSignature, type VotingTokenRequest } from './voting-token';
