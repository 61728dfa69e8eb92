export * from './fake-ledger';
