/**
 * @cityledger/test-network — the CityLedger consortium on real Hyperledger Fabric as native
 * processes (`FabricTestNetwork`), and the chaincode packages its peers install.
 */
export {
  FabricTestNetwork,
  type FabricTestNetworkOptions,
  NETWORK_PROFILES,
  type NetworkProfileName,
  runsOnLoopback,
} from './fabric-test-network';
export * from './chaincode-package';
