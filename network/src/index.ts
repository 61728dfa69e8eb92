export * from './consortium';
export * from './identity';
export * from './embedded';
export * from './fabric-profile/fabric-network-profile';
