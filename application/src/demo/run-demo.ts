// The chaincode shim logs every contract decorator, and every refusal the story expects, as it
// happens; the story reports what matters itself.
// Set before any chaincode module loads (the imports below load them).
process.env.CORE_CHAINCODE_LOGGING_LEVEL = process.env.CORE_CHAINCODE_LOGGING_LEVEL || 'critical';

import { parseArgs } from 'node:util';
import { resolveJwtKeys } from '../auth/jwt-keys';
import { gatewayUrl, GATEWAY_URL_USAGE } from '../cli/gateway-url';
import { ConfigError, loadGatewayConfig } from '../config/gateway-config';
import { startScratchGateway } from '../server/scratch-gateway';
import { runCityStory } from './city-story';
import { DemoGateway, DemoStepError } from './demo-client';
import { Narrator } from './narrator';
import { type StoryClock, skippingClock } from './story-clock';

const USAGE = `usage: npm run demo [-- --url <url> | --embedded]

Plays the CityLedger smart-city story through the REST API and prints each step.
  (default)    against a running gateway, with tokens signed with the gateway's configuration
               (same environment and data directory as npm start)
  ${GATEWAY_URL_USAGE}
  --embedded   starts its own gateway on the embedded network in a temporary data directory,
               whose clock skips the waits for the market and the vote
`;

interface Target {
  gateway: DemoGateway;
  /** Only a network the demo runs itself may have its clock moved. */
  clock?: StoryClock;
  stop(): Promise<void>;
}

async function embeddedTarget(): Promise<Target> {
  const clock = skippingClock();
  const scratch = await startScratchGateway('demo', { now: clock.now });
  return {
    gateway: new DemoGateway(scratch.running.url, scratch.running.jwtKeys),
    clock,
    stop: () => scratch.stop(),
  };
}

async function runningTarget(narrator: Narrator, url: string): Promise<Target> {
  const keys = resolveJwtKeys(loadGatewayConfig(process.env));
  if (keys.secretFile?.created) {
    narrator.note(
      `generated a new JWT secret in ${keys.secretFile.path}: a gateway already running with another secret will refuse the demo's tokens`,
    );
  }
  const ready = await fetch(`${url}/readyz`).catch(() => undefined);
  if (!ready?.ok) {
    throw new Error(
      `no ready gateway at ${url} (start one with npm start, pass --url or set GATEWAY_URL, or run with --embedded)`,
    );
  }
  return { gateway: new DemoGateway(url, keys), stop: async () => undefined };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      embedded: { type: 'boolean', default: false },
      url: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.embedded && values.url !== undefined) throw new Error('--url and --embedded exclude each other');
  const url = values.embedded ? undefined : gatewayUrl(values.url, process.env);
  const narrator = new Narrator();
  narrator.line('CityLedger — a smart city on a permissioned ledger');
  narrator.line(
    values.embedded
      ? 'Starting the whole consortium in this process (embedded network, temporary data directory)…'
      : `Using the gateway at ${url}`,
  );
  const target = url === undefined ? await embeddedTarget() : await runningTarget(narrator, url);
  try {
    const outcome = await runCityStory(target.gateway, narrator, target.clock ? { clock: target.clock } : {});
    const broken = Object.entries(outcome.verified).filter(([, ok]) => !ok);
    narrator.line('');
    if (broken.length > 0) {
      narrator.line(`The chain does NOT verify on ${broken.map(([channel]) => channel).join(', ')}.`);
      return 1;
    }
    narrator.line('Done: every step committed, and the chain verifies on every channel.');
    return 0;
  } finally {
    await target.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const reason =
      error instanceof DemoStepError || error instanceof ConfigError || error instanceof Error
        ? error.message
        : String(error);
    process.stderr.write(`\nThe demo stopped: ${reason}\n`);
    process.exit(1);
  },
);
