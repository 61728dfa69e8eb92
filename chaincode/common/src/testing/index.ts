export * from './fake-ledger';
export * from './failure';
