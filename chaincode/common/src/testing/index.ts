export * from './fake-ledger';
export * from './failure';
export * from './contract-metadata';
