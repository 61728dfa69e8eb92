/**
 * The external builder peers use for chaincode as a service (`test-network/builders/ccaas`):
 * `bin/detect` accepts `type: ccaas` packages, `bin/build` checks and keeps their
 * connection.json, `bin/release` hands it to the peer, which then dials the chaincode server.
 */
import { resolve } from 'node:path';

/** An entry of core.yaml's `chaincode.externalBuilders`. */
export interface ExternalBuilderConfig {
  name: string;
  /** Absolute folder holding `bin/detect`, `bin/build` and `bin/release`. */
  path: string;
  /** Environment variables the peer passes to the scripts (it always passes PATH, which finds node). */
  propagateEnvironment: string[];
}

/** Absolute path of `test-network/builders/ccaas`, from both `src/` and compiled `dist/`. */
export function ccaasBuilderPath(): string {
  return resolve(__dirname, '..', '..', 'builders', 'ccaas');
}

/** The core.yaml entry for the CCaaS builder. */
export function ccaasExternalBuilder(): ExternalBuilderConfig {
  return { name: 'cityledger-ccaas', path: ccaasBuilderPath(), propagateEnvironment: ['HOME', 'PATH'] };
}
