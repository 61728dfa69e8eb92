import { once } from 'node:events';
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { expect } from 'chai';
import { build } from 'esbuild';
import express from 'express';
import type { Browser, Page } from 'playwright-core';
import { ManualClock } from '@cityledger/network/testing';
import { type TestGateway, startTestGateway } from '../testing/test-gateway';
import {
  type AirSensor,
  CitySeeder,
  anchorByHand,
  seedAirQuality,
  seedCampaign,
  seedCivicOrganisations,
  seedElection,
  seedEnergyMarket,
  seedLand,
} from './city-seed';
import { DASHBOARD_DIST, createDashboardRouter } from './dashboard-routes';
import { ensureChromium, launchChromium } from './headless-chromium';

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
/**
 * Screenshots go to a temporary folder: tests never write tracked files. `npm run docs:screenshots`
 * runs this file with DASHBOARD_SCREENSHOT_DIR=docs/images to refresh the pictures in the docs.
 */
const SCREENSHOTS = process.env.DASHBOARD_SCREENSHOT_DIR
  ? resolve(process.env.DASHBOARD_SCREENSHOT_DIR)
  : mkdtempSync(join(tmpdir(), 'cityledger-dashboard-shots-'));

/**
 * The city dashboard in headless Chromium against a started gateway on the embedded network: the
 * city is seeded through the REST API, then the page is driven like a user would.
 */
describe('city dashboard (end to end in headless Chromium)', function () {
  this.timeout(120_000);
  let gateway: TestGateway;
  let server: Server;
  let url: string;
  let browser: Browser;
  let page: Page;
  let seed: CitySeeder;
  // The ledger's time: seeding and the market's clearing move it instead of waiting.
  const clock = new ManualClock();
  let market: { interval: string; startsAt: number };
  let election: Awaited<ReturnType<typeof seedElection>>;
  let campaign: Awaited<ReturnType<typeof seedCampaign>>;
  let sensor: AirSensor;
  let bridge = false;

  before(async () => {
    ensureChromium();
    if (!existsSync(join(DASHBOARD_DIST, 'index.html'))) {
      execSync('npm run build -w application/dashboard', { cwd: REPO_ROOT, stdio: 'inherit' });
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    const started = Date.now();
    gateway = await startTestGateway({ RATE_LIMIT_PER_MINUTE: '0' }, undefined, clock.now);
    // Mounted the way the gateway will: the dashboard first, then everything else.
    const app = express();
    app.use(createDashboardRouter());
    app.use(gateway.running.gateway.app);
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    seed = new CitySeeder(gateway, clock);
    // The IoT bridge answers for an unknown reading with UNKNOWN_READING; a gateway without it has no such route.
    const probe = await gateway.request('GET', '/api/v1/iot/readings/did:cityledger:civic:aq-1/1', {
      token: seed.users.auditor,
    });
    bridge = probe.body?.error?.code !== 'UNKNOWN_ROUTE';
    const [energy, organisations] = await Promise.all([seedEnergyMarket(seed), seedCivicOrganisations(seed)]);
    market = energy;
    [, election, campaign, sensor] = await Promise.all([
      seedLand(seed, organisations),
      seedElection(seed),
      seedCampaign(seed, organisations.community),
      seedAirQuality(seed, organisations.city),
    ]);
    process.stderr.write(`seeded the city in ${Date.now() - started} ms\n`);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error') process.stderr.write(`page console: ${message.text()}\n`);
    });
    page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`));
    page.on('request', (request) => {
      if (!request.url().startsWith(url) && !request.url().startsWith('data:')) {
        throw new Error(`the page requested ${request.url()}`);
      }
    });
  });

  after(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await gateway?.stop();
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    if (!process.env.DASHBOARD_SCREENSHOT_DIR) rmSync(SCREENSHOTS, { recursive: true, force: true });
  });

  const panel = (id: string) => page.locator(`#${id}`);
  const shoot = (id: string) => panel(id).screenshot({ path: join(SCREENSHOTS, `dashboard-${id}.png`) });

  it('serves the page at / with hashed, long-cached assets and no directory listing', async () => {
    const index = await fetch(`${url}/`);
    expect(index.status).to.equal(200);
    expect(index.headers.get('cache-control')).to.equal('no-cache');
    expect(index.headers.get('content-security-policy')).to.include("connect-src 'self'");
    const html = await index.text();
    const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)![1];
    const script = await fetch(`${url}/${asset}`);
    expect(script.status).to.equal(200);
    expect(script.headers.get('cache-control')).to.match(/max-age=31536000.*immutable/);
    const listing = await fetch(`${url}/assets/`);
    expect(listing.status).to.equal(404);
    expect(((await listing.json()) as { error: { code: string } }).error.code).to.equal('UNKNOWN_ROUTE');
  });

  it('renders the sign-in form within a second and signs in with a pasted token', async () => {
    await page.goto(url);
    await page.locator('#token').waitFor();
    const firstRenderMs = await page.evaluate(() => performance.now());
    expect(firstRenderMs).to.be.below(1000);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-sign-in.png') });

    await page.fill('#token', 'not a token');
    await page.click('#sign-in-button');
    await page.getByRole('alert').filter({ hasText: 'not a JWT' }).waitFor();

    await page.fill('#token', seed.users.auditor);
    await page.click('#sign-in-button');
    await page.locator('#signed-in-as', { hasText: 'audrey · AuditorMSP · auditor' }).waitFor();
    for (const id of ['iot', 'energy', 'land', 'voting', 'donations', 'ledger']) {
      await page.locator(`#${id}[data-state="live"]`).waitFor({ timeout: 15_000 });
    }
  });

  it('shows a reading arriving live after the sensor sends it, and verifies it in the browser', async () => {
    const readings = [sensor.reading(12.5), sensor.reading(31.5)];
    let proofs: unknown[] = [];
    let batchId = '';
    if (bridge) {
      const sent = await gateway.request('POST', '/api/v1/iot/readings', {
        token: seed.users.cityOperator,
        body: { readings },
      });
      expect(sent.status, JSON.stringify(sent.body)).to.be.oneOf([200, 201, 202]);
    } else {
      // No IoT bridge on this gateway yet: anchor the batch the way the bridge would.
      ({ batchId, proofs } = await anchorByHand(seed, readings, 25));
    }
    const live = panel('iot').locator('.reading-value', { hasText: '31.5 ug/m3' }).first();
    await live.waitFor({ timeout: 30_000 });
    await panel('iot').locator('.alert-value', { hasText: '31.5' }).first().waitFor();

    await panel('iot')
      .getByRole('button', { name: /Verify a reading of batch/ })
      .first()
      .click();
    if (!bridge) {
      await page.fill('#verify-batch', batchId);
      await page.locator('#iot details summary').click();
      await page.fill('#verify-reading', JSON.stringify(readings[1]));
      await page.fill('#verify-proof', JSON.stringify(proofs[1]));
    } else {
      await page.fill('#verify-seq', String(readings[1]!.seq));
    }
    await page.click('#verify-reading-button');
    await panel('iot').locator('.verdict.ok', { hasText: 'anchored on the ledger' }).waitFor();
    await shoot('iot');

    // A reading altered after the fact does not verify against the same root.
    if (!bridge) {
      await page.fill('#verify-reading', JSON.stringify({ ...readings[1], value: 3.1 }));
      await page.click('#verify-reading-button');
      await panel('iot').locator('.verdict.bad', { hasText: 'does not verify' }).waitFor();
      await page.fill('#verify-reading', JSON.stringify(readings[1]));
      await page.click('#verify-reading-button');
      await panel('iot').locator('.verdict.ok').waitFor();
    }
  });

  it("opens a parcel's provenance from the map", async () => {
    await panel('land').locator('path[data-parcel="HT-101"]').click();
    const detail = page.locator('#parcel-detail');
    await detail.locator('h3', { hasText: 'Parcel HT-101' }).waitFor();
    await detail.locator('.timeline li', { hasText: 'HT-100 · parcel' }).first().waitFor();
    expect(await detail.locator('.timeline li', { hasText: 'mortgage M-1' }).count()).to.be.greaterThan(0);
    expect(await detail.locator('.title-owners').textContent()).to.include('city 100.00%');
    await detail.locator('td', { hasText: 'M-1' }).waitFor();
    await shoot('land');
  });

  it('checks a vote receipt against the published Merkle root', async () => {
    await panel('voting').locator('#voting-merkle-root').waitFor();
    await page.fill('#receipt-json', JSON.stringify(election.receipt));
    await page.click('#receipt-check-button');
    await panel('voting').locator('.verdict.ok', { hasText: 'Your ballot is counted' }).waitFor();
    await shoot('voting');
  });

  it('computes the shared proof test vectors in Chromium as the chaincode does in Node', async () => {
    // The dashboard bundles @cityledger/proofs; bundled alone for the browser here, it must give the
    // roots, proofs and canonical bytes pinned by the vectors of what is already on the ledgers.
    const vectors = (name: string) =>
      JSON.parse(readFileSync(join(REPO_ROOT, 'packages', 'proofs', 'src', 'test-vectors', name), 'utf8'));
    const merkle = vectors('merkle.json');
    const tree = merkle.trees.find((t: { size: number }) => t.size === 7);
    const reading = merkle.jsonLeaves[0];
    const jcs = vectors('rfc8785.json').values;
    const bundled = await build({
      entryPoints: [require.resolve('@cityledger/proofs')],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      globalName: 'cityledgerProofs',
      write: false,
      logLevel: 'silent',
    });
    const blank = await browser.newPage();
    try {
      await blank.addScriptTag({ content: bundled.outputFiles[0]!.text });
      const computed = await blank.evaluate(
        ({ leafData, indexes, value, jcsInput }) => {
          const proofs = (globalThis as unknown as { cityledgerProofs: typeof import('@cityledger/proofs') })
            .cityledgerProofs;
          const built = proofs.merkleTree(leafData.map((data) => proofs.leafHash(data)));
          return {
            root: built.root,
            auditPaths: indexes.map((i) => built.auditPath(i)),
            steps: indexes.map((i) => built.proofSteps(i)),
            readingLeaf: proofs.jsonLeafHash(value),
            jcs: proofs.canonicalJson(JSON.parse(jcsInput)),
          };
        },
        {
          leafData: tree.leafData as string[],
          indexes: tree.proofs.map((p: { index: number }) => p.index) as number[],
          value: reading.value as unknown,
          jcsInput: jcs.input as string,
        },
      );
      expect(computed).to.deep.equal({
        root: tree.root,
        auditPaths: tree.proofs.map((p: { auditPath: string[] }) => p.auditPath),
        steps: tree.proofs.map((p: { steps: unknown[] }) => p.steps),
        readingLeaf: reading.leafHash,
        jcs: jcs.canonical,
      });
    } finally {
      await blank.close();
    }
  });

  it('traces a donation to the beneficiary it paid', async () => {
    await panel('donations').locator('.sankey').waitFor();
    await page.selectOption('#trace-donation', campaign.namedDonationId);
    await page.click('#trace-button');
    const trace = panel('donations').locator('.trace');
    await trace.locator('li', { hasText: 'for “Buy 40 beds”' }).waitFor();
    expect(await trace.textContent()).to.include('shelter');
    await shoot('donations');
  });

  it('runs chain verification for every channel', async () => {
    for (const channel of ['energy', 'civic']) {
      await page.click(`#verify-chain-${channel}`);
      await page
        .locator(`#verify-${channel} .verdict.ok`, { hasText: `Chain ${channel} verified` })
        .waitFor();
    }
    await panel('ledger').locator('.tx.valid').first().click();
    await panel('ledger').locator('.block-detail h4', { hasText: 'Transaction' }).first().waitFor();
    await shoot('ledger');
  });

  it('shows a market clearing as soon as the operator clears the interval', async () => {
    await panel('energy').locator('.market').waitFor();
    clock.reach(market.startsAt + 500);
    await seed.submit(seed.users.utilityOperator, 'energy', 'energy-trading', 'ClearInterval', [
      market.interval,
    ]);
    await panel('energy')
      .locator('.cleared-line', { hasText: 'at 17 ¢/kWh for 3000 Wh' })
      .waitFor({ timeout: 15_000 });
    expect(await page.locator('#energy-price').textContent()).to.equal('17 ¢/kWh');
    await shoot('energy');
  });

  it('fits a phone screen without horizontal scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(200);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    const widest = await page.evaluate<string[]>(
      `[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap'))
        .slice(0, 5).map((e) => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))`,
    );
    expect(overflow, `wider than the phone: ${widest.join(', ')}`).to.be.at.most(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-phone.png') });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("shows a community citizen only what their org and role may see, with the gateway's reasons", async () => {
    const citizen = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await citizen.goto(url);
      await citizen.fill('#token', seed.users.communityCitizen);
      await citizen.click('#sign-in-button');
      await citizen.locator('#energy[data-state="refused"]').waitFor();
      await citizen.locator('#donations[data-state="live"]').waitFor({ timeout: 15_000 });
      await citizen
        .locator('#ledger[data-state="refused"] .notice', {
          hasText: 'the explorer is for roles auditor and admin',
        })
        .waitFor({ timeout: 15_000 });
      await citizen.locator('#ledger').screenshot({ path: join(SCREENSHOTS, 'dashboard-refused.png') });
    } finally {
      await citizen.close();
    }
  });
});
