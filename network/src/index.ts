export * from './consortium';
export * from './identity';
export * from './embedded';
