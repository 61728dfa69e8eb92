import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium: the test never downloads a browser of its own. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Installs Debian's chromium package when it is missing (CI images and fresh machines), saying so
 * in the log. Needs root and Debian's package mirror, which is what `.ci/run` has.
 */
export function ensureChromium(
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): void {
  if (existsSync(CHROMIUM_PATH)) return;
  log(
    `${CHROMIUM_PATH} is missing: installing Debian's chromium package (apt-get update && apt-get install -y chromium)`,
  );
  execSync('apt-get update && apt-get install -y chromium', {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get ran but ${CHROMIUM_PATH} is still missing`);
}

/**
 * Headless Chromium with no background networking: the machine's network is closed, and the page
 * must not need anything but the gateway anyway. Playwright starts every browser with a fresh
 * temporary profile (it refuses a --user-data-dir argument) and deletes it on close.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
