import type { DidDocument } from '@cityledger/chaincode-identity';
import type { BatchAnchor, Feed, ThresholdAlert } from '@cityledger/chaincode-telemetry';
import type { ChaincodeEvent } from '../api/event-stream';
import { h } from '../ui/dom';
import { timeSeriesChart, type SeriesPoint } from '../ui/charts';
import { didCell, shortDid, shortHash, when } from '../ui/format';
import { PanelFrame, debounce, errorText, part, replaceWith, stat, table, verdict } from '../ui/panel';
import { verifyReadingProof } from '../verification/reading-proof';
import { BridgeReadings, type DeviceReading } from './iot-readings';
import { type PanelContext, channelsWith } from './panel-context';

const SERIES_LENGTH = 60;
const READINGS_PER_DEVICE = 5;

/**
 * A batch as the panel lists it: the anchored record, or what an alert tells of a batch older
 * than the ones loaded.
 */
type ListedBatch = Omit<BatchAnchor, 'anchoredAt' | 'anchoredBy' | 'txId' | 'alertCount'> &
  Partial<BatchAnchor>;

/**
 * IoT: feeds and devices, readings per second, the latest values per metric, threshold alerts and
 * anchored batches with an in-browser Merkle check of any reading. Values come from the IoT bridge
 * when a batch is anchored (the `BatchAnchored` event), alerts straight from the event.
 */
export function mountIotPanel(context: PanelContext): PanelFrame {
  const frame = new PanelFrame(
    'iot',
    'IoT feeds',
    'Devices and feeds, readings per second, the latest values, alerts from threshold rules and anchored batches.',
  );
  const channels = channelsWith(context, 'telemetry');
  const bridge = new BridgeReadings(context.client);
  const feeds = new Map<string, Feed & { channel: string }>();
  const devices: Array<DidDocument & { channel: string }> = [];
  const batches = new Map<string, ListedBatch & { channel: string }>();
  const alerts: ThresholdAlert[] = [];
  const readings = new Map<string, DeviceReading>();
  const series = new Map<string, SeriesPoint[]>();
  let loaded = false;

  const slots = {
    stats: h('div', { class: 'stats' }),
    charts: h('div', { class: 'spark-grid' }),
    readings: h('div'),
    alerts: h('div'),
    batches: h('div'),
    feeds: h('div'),
    devices: h('div'),
    verify: h('div', { class: 'verify-result', 'aria-live': 'polite' }),
  };

  const deviceSelect = h('select', { id: 'verify-device', name: 'deviceId' });
  const seqInput = h('input', {
    id: 'verify-seq',
    name: 'seq',
    type: 'number',
    min: '0',
    inputmode: 'numeric',
  });
  const batchInput = h('input', { id: 'verify-batch', name: 'batchId', type: 'text', autocomplete: 'off' });
  const readingInput = h('textarea', { id: 'verify-reading', rows: 4, spellcheck: 'false' });
  const proofInput = h('textarea', { id: 'verify-proof', rows: 3, spellcheck: 'false' });
  const verifyForm = h(
    'form',
    { class: 'verify-form', 'aria-labelledby': 'verify-heading' },
    h('h3', { id: 'verify-heading' }, 'Verify a reading'),
    h(
      'p',
      { class: 'hint' },
      'The browser recomputes the Merkle root from the reading and its proof and compares it with the root anchored on the ledger.',
    ),
    h('div', { class: 'field' }, h('label', { for: 'verify-batch' }, 'Batch'), batchInput),
    h('div', { class: 'field' }, h('label', { for: 'verify-device' }, 'Device'), deviceSelect),
    h('div', { class: 'field' }, h('label', { for: 'verify-seq' }, 'Sequence number'), seqInput),
    h(
      'details',
      {},
      h('summary', {}, 'Or paste a reading and its proof'),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'verify-reading' }, 'Reading (JSON, with signature)'),
        readingInput,
      ),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'verify-proof' }, 'Proof (JSON list of {position, hash})'),
        proofInput,
      ),
    ),
    h('button', { type: 'submit', id: 'verify-reading-button' }, 'Verify this reading'),
    slots.verify,
  );
  verifyForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void verifyReading();
  });

  frame.body.append(
    slots.stats,
    part('Latest values', slots.charts),
    part('Latest readings', slots.readings),
    part('Alerts', slots.alerts),
    part('Anchored batches', slots.batches),
    verifyForm,
    part('Feeds', slots.feeds),
    part('Devices', slots.devices),
  );

  const feedKey = (channel: string, feedId: string) => `${channel}/${feedId}`;

  function addReading(channel: string, reading: DeviceReading): void {
    const key = `${reading.deviceId}#${reading.seq}#${reading.metric}`;
    if (readings.has(key)) return;
    readings.set(key, reading);
    const device = devices.find((d) => d.did === reading.deviceId);
    const feedId = device?.device?.feedId ?? '';
    const seriesKey = `${channel}|${feedId}|${reading.metric}|${reading.unit ?? ''}`;
    const points = series.get(seriesKey) ?? [];
    points.push({ t: Date.parse(reading.timestamp), v: reading.value });
    points.sort((a, b) => a.t - b.t);
    series.set(seriesKey, points.slice(-SERIES_LENGTH));
  }

  async function fetchReadingsOf(batch: ListedBatch & { channel: string }): Promise<void> {
    const wanted: Array<[string, number]> = [];
    for (const [deviceId, range] of Object.entries(batch.perDevice)) {
      for (
        let seq = range.lastSeq;
        seq >= range.firstSeq && seq > range.lastSeq - READINGS_PER_DEVICE;
        seq -= 1
      ) {
        wanted.push([deviceId, seq]);
      }
    }
    await Promise.all(
      wanted.slice(0, 20).map(async ([deviceId, seq]) => {
        try {
          const anchored = await bridge.get(deviceId, seq);
          if (anchored) addReading(batch.channel, anchored.reading);
        } catch {
          // One missing reading (not yet on the bridge, pruned) must not hide the others.
        }
      }),
    );
  }

  function onBatch(channel: string, batch: ListedBatch, eventAlerts: ThresholdAlert[]): void {
    batches.set(batch.batchId, { ...batch, channel });
    for (const alert of eventAlerts) {
      if (
        !alerts.some(
          (a) => a.batchId === alert.batchId && a.deviceId === alert.deviceId && a.seq === alert.seq,
        )
      ) {
        alerts.push({ ...alert, feedId: batch.feedId, batchId: batch.batchId });
        addReading(channel, { ...alert });
      }
    }
  }

  function readingsPerSecond(): string {
    const all = [...batches.values()];
    if (all.length === 0) return '0';
    const newest = Math.max(...all.map((b) => Date.parse(b.to)));
    const recent = all.filter((b) => Date.parse(b.to) > newest - 60_000);
    const start = Math.min(...recent.map((b) => Date.parse(b.from)));
    const seconds = Math.max(1, (newest - start) / 1000);
    const total = recent.reduce((n, b) => n + b.count, 0);
    return (total / seconds).toFixed(total / seconds >= 10 ? 0 : 1);
  }

  function render(): void {
    const activeDevices = devices.filter((d) => d.status === 'active').length;
    replaceWith(
      slots.stats,
      stat('Feeds', String(feeds.size)),
      stat('Devices', `${activeDevices}`),
      stat('Readings / s', readingsPerSecond(), 'iot-rate'),
      stat('Anchored batches', String(batches.size)),
      stat('Alerts', String(alerts.length)),
    );
    const charts = [...series.entries()].map(([key, points]) => {
      const [, feedId, metric, unit] = key.split('|');
      const feed = [...feeds.values()].find((f) => f.feedId === feedId);
      const limit = feed?.thresholds.find((t) => t.metric === metric)?.limit;
      const last = points[points.length - 1];
      return h(
        'figure',
        { class: 'spark-card' },
        h(
          'figcaption',
          {},
          h('strong', {}, metric),
          ` · ${feedId || 'feed'} · latest `,
          h('span', { class: 'value' }, `${last?.v ?? '—'} ${unit}`),
        ),
        timeSeriesChart(points, { label: `${metric} (${feedId})`, unit: unit ?? '', limit }),
      );
    });
    replaceWith(
      slots.charts,
      charts.length
        ? charts
        : h(
            'p',
            { class: 'empty' },
            bridge.available === false
              ? 'Values appear here when the gateway’s IoT bridge is running; until then only alert values are known.'
              : 'No readings anchored yet.',
          ),
    );
    const latest = newestFirst(readings.values(), (r) => r.timestamp, 12);
    replaceWith(
      slots.readings,
      table(
        'Latest readings',
        ['Time', 'Device', 'Seq', 'Metric', 'Value'],
        latest.map((r) => [
          when(r.timestamp),
          didCell(r.deviceId),
          String(r.seq),
          r.metric,
          h('span', { class: 'reading-value' }, `${r.value} ${r.unit ?? ''}`),
        ]),
        'No readings anchored yet.',
      ),
    );
    const recentAlerts = newestFirst(alerts, (a) => a.timestamp, 10);
    replaceWith(
      slots.alerts,
      table(
        'Threshold alerts',
        ['Time', 'Feed', 'Device', 'Metric', 'Value', 'Rule'],
        recentAlerts.map((a) => [
          when(a.timestamp),
          a.feedId,
          didCell(a.deviceId),
          a.metric,
          h('strong', { class: 'alert-value' }, `${a.value} ${a.unit ?? ''}`),
          a.comparison ? `${a.comparison} ${a.limit}` : '',
        ]),
        'No alerts.',
      ),
    );
    const recentBatches = newestFirst(batches.values(), (b) => b.to, 8);
    replaceWith(
      slots.batches,
      table(
        'Anchored batches',
        ['Feed', 'Batch', 'Readings', 'Time range', 'Merkle root', ''],
        recentBatches.map((b) => [
          b.feedId,
          h('code', {}, b.batchId),
          String(b.count),
          `${when(b.from)} – ${when(b.to)}`,
          h('code', { title: b.merkleRoot }, shortHash(b.merkleRoot)),
          h(
            'button',
            {
              type: 'button',
              class: 'small',
              onclick: () => chooseBatch(b),
              'aria-label': `Verify a reading of batch ${b.batchId}`,
            },
            'Verify a reading',
          ),
        ]),
        'No batches anchored yet.',
      ),
    );
    replaceWith(
      slots.feeds,
      table(
        'Feeds',
        ['Channel', 'Feed', 'Owner', 'Metrics', 'Alert rules'],
        [...feeds.values()].map((f) => [
          f.channel,
          h('span', { title: f.description ?? '' }, f.feedId),
          f.ownerMsp,
          f.metrics.map((m) => `${m.name} (${m.unit})`).join(', '),
          f.thresholds.map((t) => `${t.metric} ${t.comparison} ${t.limit}`).join(', ') || '—',
        ]),
        'No feeds.',
      ),
    );
    replaceWith(
      slots.devices,
      table(
        'Devices',
        ['Channel', 'Device', 'Kind', 'Feed', 'Metrics', 'Status'],
        devices.map((d) => [
          d.channel,
          didCell(d.did),
          d.device?.kind ?? '',
          d.device?.feedId ?? '',
          (d.device?.metrics ?? []).join(', '),
          d.status,
        ]),
        'No devices.',
      ),
    );
  }
  const renderSoon = debounce(render, 100);

  function chooseBatch(batch: ListedBatch): void {
    batchInput.value = batch.batchId;
    deviceSelect.replaceChildren(
      ...Object.keys(batch.perDevice).map((did) => h('option', { value: did }, shortDid(did))),
    );
    const first = Object.values(batch.perDevice)[0];
    if (first) seqInput.value = String(first.lastSeq);
    deviceSelect.focus();
  }

  async function verifyReading(): Promise<void> {
    replaceWith(slots.verify, h('p', {}, 'Checking…'));
    try {
      let reading: unknown;
      let proof: unknown;
      let batchId = batchInput.value.trim();
      if (readingInput.value.trim()) {
        reading = JSON.parse(readingInput.value);
        proof = JSON.parse(proofInput.value || '[]');
      } else {
        const anchored = await bridge.get(deviceSelect.value, Number(seqInput.value));
        if (!anchored) {
          replaceWith(
            slots.verify,
            verdict(
              false,
              'The gateway has no IoT bridge to fetch the reading from; paste the reading and its proof.',
            ),
          );
          return;
        }
        reading = anchored.reading;
        proof = anchored.proof;
        batchId = anchored.batchId ?? batchId;
      }
      const channel = batches.get(batchId)?.channel ?? channels[0]!;
      // The root comes from the ledger, never from whoever handed us the reading and the proof.
      const batch = await context.client.query<BatchAnchor>(channel, 'telemetry', 'GetBatch', [batchId]);
      const check = verifyReadingProof(reading, proof, batch.merkleRoot);
      const r = reading as DeviceReading;
      const range = batch.perDevice[r.deviceId];
      const inRange = !!range && r.seq >= range.firstSeq && r.seq <= range.lastSeq;
      const ok = check.valid && inRange;
      replaceWith(
        slots.verify,
        verdict(
          ok,
          ok
            ? `Reading ${r.seq} of ${shortDid(r.deviceId)} (${r.metric} = ${r.value}) is in batch ${batchId}, anchored on the ledger.`
            : `Reading does not verify against batch ${batchId}: ${check.problem ?? `seq ${r.seq} is outside the device's range in the batch`}.`,
        ),
        h(
          'dl',
          { class: 'proof-steps' },
          h('dt', {}, 'Leaf hash'),
          h('dd', {}, h('code', {}, check.leafHash)),
          h('dt', {}, 'Proof steps'),
          h('dd', {}, String(check.steps)),
          h('dt', {}, 'Recomputed root'),
          h('dd', {}, h('code', {}, check.computedRoot || '—')),
          h('dt', {}, 'Root on the ledger'),
          h('dd', {}, h('code', {}, batch.merkleRoot)),
        ),
      );
    } catch (error) {
      replaceWith(slots.verify, verdict(false, `Could not verify: ${errorText(error)}`));
    }
  }

  async function load(): Promise<void> {
    try {
      for (const channel of channels) {
        const [feedList, deviceList] = await Promise.all([
          context.client.queryAll<Feed>(channel, 'telemetry', 'ListFeeds'),
          context.client
            .queryAll<DidDocument>(channel, 'identity', 'ListDidsByType', ['device'])
            .catch(() => [] as DidDocument[]),
        ]);
        for (const feed of feedList) feeds.set(feedKey(channel, feed.feedId), { ...feed, channel });
        devices.splice(
          0,
          devices.length,
          ...devices.filter((d) => d.channel !== channel),
          ...deviceList.map((d) => ({ ...d, channel })),
        );
        await Promise.all(
          feedList.map(async (feed) => {
            const [feedBatches, feedAlerts] = await Promise.all([
              context.client.queryAll<BatchAnchor>(channel, 'telemetry', 'ListBatchesByFeed', [feed.feedId]),
              context.client.queryAll<ThresholdAlert>(channel, 'telemetry', 'ListAlertsByFeed', [
                feed.feedId,
              ]),
            ]);
            for (const batch of feedBatches.slice(-20)) onBatch(channel, batch, []);
            for (const alert of feedAlerts.slice(-20))
              onBatch(
                channel,
                batches.get(alert.batchId) ??
                  ({
                    ...alert,
                    perDevice: {},
                    merkleRoot: '',
                    count: 0,
                    from: alert.timestamp,
                    to: alert.timestamp,
                  } as ListedBatch),
                [alert],
              );
            const newest = feedBatches.slice(-3);
            await Promise.all(newest.map((b) => fetchReadingsOf({ ...b, channel })));
          }),
        );
      }
      loaded = true;
      frame.setState(
        'live',
        channels.length ? undefined : 'No channel of yours has the telemetry chaincode.',
      );
    } catch (error) {
      frame.showFailure(error, 'the IoT feeds');
    }
    render();
  }

  const reload = debounce(() => void load(), 300);

  if (channels.length === 0) {
    frame.setState('refused', 'None of your channels has the telemetry chaincode installed.');
    return frame;
  }
  context.events.subscribe({
    caughtUp: (channel) => {
      if (channel === channels[0]) void load();
    },
    chaincode: (event: ChaincodeEvent, live) => {
      if (!live || !channels.includes(event.channel)) return;
      if (event.chaincode === 'telemetry' && event.event === 'BatchAnchored') {
        const payload = event.payload as ListedBatch & { alerts?: ThresholdAlert[] };
        const batch = { ...payload, txId: event.txId };
        onBatch(event.channel, batch, payload.alerts ?? []);
        renderSoon();
        void fetchReadingsOf({ ...batch, channel: event.channel }).then(renderSoon);
      } else if (
        (event.chaincode === 'telemetry' && event.event.startsWith('Feed')) ||
        (event.chaincode === 'identity' && /Device|DidDeactivated/.test(event.event))
      ) {
        if (loaded) reload();
      }
    },
  });
  render();
  return frame;
}

/** The `count` most recent of `items`, newest first, by the ISO time `timeOf` reads. */
function newestFirst<T>(items: Iterable<T>, timeOf: (item: T) => string, count: number): T[] {
  return [...items].sort((a, b) => Date.parse(timeOf(b)) - Date.parse(timeOf(a))).slice(0, count);
}
