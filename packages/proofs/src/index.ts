/**
 * @cityledger/proofs — what a ledger record's proof is made of, the same in the chaincode, the
 * gateway and the browser: canonical JSON (RFC 8785), the leaf and node hashes, and the RFC 6962
 * Merkle tree with its two proof forms (audit paths for ballot receipts, sided steps for readings).
 * No Fabric and no Node-only API, so the dashboard bundles it as it is.
 */
export { canonicalJson, type JsonValue } from './canonical-json';
export { EMPTY_TREE_ROOT, jsonLeafHash, leafHash, nodeHash, type LeafData } from './hashing';
export { merkleRoot, merkleTree, type MerkleTree } from './merkle-tree';
export { rootFromAuditPath, verifyAuditPath } from './audit-path';
export { rootFromProofSteps, verifyProofSteps, type MerkleProofStep } from './proof-steps';
