/**
 * Hand-drawn SVG charts (no charting library, no external requests). Each chart is an
 * `role="img"` with a text alternative that says what it shows; the numbers are also in the
 * panels' tables, so nothing is conveyed by the picture alone.
 */
import { h, s } from './dom';

const round = (n: number) => Math.round(n * 10) / 10;

export interface SeriesPoint {
  t: number;
  v: number;
}

/** A small time series: a line over time with its last value, min and max, and an optional limit. */
export function timeSeriesChart(
  points: SeriesPoint[],
  options: { label: string; unit: string; limit?: number },
) {
  const width = 240;
  const height = 64;
  const pad = 4;
  const last = points[points.length - 1];
  const summary = last
    ? `${options.label}: latest ${last.v} ${options.unit} at ${new Date(last.t).toISOString()}, ${points.length} readings`
    : `${options.label}: no readings yet`;
  const svg = s('svg', {
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': summary,
    class: 'chart spark',
  });
  if (points.length === 0) return svg;
  const values = points.map((p) => p.v).concat(options.limit === undefined ? [] : [options.limit]);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const t0 = points[0]!.t;
  const t1 = Math.max(last!.t, t0 + 1);
  const x = (t: number) => pad + ((t - t0) / (t1 - t0)) * (width - 2 * pad);
  const y = (v: number) => height - pad - (max === min ? 0.5 : (v - min) / (max - min)) * (height - 2 * pad);
  if (options.limit !== undefined) {
    svg.append(
      s('line', {
        x1: pad,
        x2: width - pad,
        y1: round(y(options.limit)),
        y2: round(y(options.limit)),
        class: 'limit',
      }),
    );
  }
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${round(x(p.t))},${round(y(p.v))}`).join(' ');
  svg.append(s('path', { d: path, class: 'line' }));
  for (const p of points.slice(-20)) {
    svg.append(s('circle', { cx: round(x(p.t)), cy: round(y(p.v)), r: 2, class: 'dot' }));
  }
  return svg;
}

export interface OrderStep {
  quantityWh: number;
  limitPriceCentsPerKwh: number;
}

/**
 * Supply and demand of one delivery interval as step curves (offers by price ascending, bids by
 * price descending), with the published clearing price and volume as cross-hairs.
 */
export function supplyDemandChart(
  bids: OrderStep[],
  offers: OrderStep[],
  clearing?: { priceCentsPerKwh: number; volumeWh: number },
) {
  const width = 480;
  const height = 260;
  const left = 44;
  const bottom = 30;
  const top = 10;
  const right = 10;
  const demand = [...bids].sort((a, b) => b.limitPriceCentsPerKwh - a.limitPriceCentsPerKwh);
  const supply = [...offers].sort((a, b) => a.limitPriceCentsPerKwh - b.limitPriceCentsPerKwh);
  const totalWh = Math.max(
    1,
    demand.reduce((n, o) => n + o.quantityWh, 0),
    supply.reduce((n, o) => n + o.quantityWh, 0),
  );
  const prices = [...demand, ...supply].map((o) => o.limitPriceCentsPerKwh);
  const maxPrice = Math.max(1, ...prices, clearing?.priceCentsPerKwh ?? 0) * 1.1;
  const x = (wh: number) => left + (wh / totalWh) * (width - left - right);
  const y = (price: number) => height - bottom - (price / maxPrice) * (height - bottom - top);
  const steps = (orders: OrderStep[]) => {
    let cumulative = 0;
    const parts: string[] = [];
    for (const order of orders) {
      const y0 = round(y(order.limitPriceCentsPerKwh));
      parts.push(`${parts.length === 0 ? 'M' : 'L'}${round(x(cumulative))},${y0}`);
      cumulative += order.quantityWh;
      parts.push(`L${round(x(cumulative))},${y0}`);
    }
    return parts.join(' ');
  };
  const label = clearing
    ? `Supply and demand: ${demand.length} bids, ${supply.length} offers; cleared at ${clearing.priceCentsPerKwh} cents/kWh for ${clearing.volumeWh} Wh`
    : `Supply and demand: ${demand.length} bids, ${supply.length} offers; not cleared yet`;
  const svg = s(
    'svg',
    { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label, class: 'chart market' },
    s('line', { x1: left, y1: height - bottom, x2: width - right, y2: height - bottom, class: 'axis' }),
    s('line', { x1: left, y1: top, x2: left, y2: height - bottom, class: 'axis' }),
    s('text', { x: left, y: height - 8, class: 'tick' }, '0'),
    s('text', { x: width - right, y: height - 8, class: 'tick', 'text-anchor': 'end' }, `${totalWh} Wh`),
    s('text', { x: left - 6, y: top + 10, class: 'tick', 'text-anchor': 'end' }, `${Math.round(maxPrice)}`),
    s('text', { x: left - 6, y: height - bottom, class: 'tick', 'text-anchor': 'end' }, '0'),
    s('text', { x: 4, y: top + 24, class: 'tick' }, '¢/kWh'),
  );
  if (demand.length) svg.append(s('path', { d: steps(demand), class: 'demand' }));
  if (supply.length) svg.append(s('path', { d: steps(supply), class: 'supply' }));
  if (clearing && clearing.volumeWh > 0) {
    const cx = round(x(clearing.volumeWh));
    const cy = round(y(clearing.priceCentsPerKwh));
    svg.append(
      s('line', { x1: left, x2: width - right, y1: cy, y2: cy, class: 'clearing' }),
      s('line', { x1: cx, x2: cx, y1: top, y2: height - bottom, class: 'clearing' }),
      s('circle', { cx, cy, r: 5, class: 'clearing-point' }),
      s(
        'text',
        { x: Math.min(cx + 8, width - 150), y: Math.max(cy - 8, top + 12), class: 'clearing-label' },
        `${clearing.priceCentsPerKwh} ¢/kWh · ${clearing.volumeWh} Wh`,
      ),
    );
  }
  return h(
    'figure',
    { class: 'figure' },
    svg,
    h(
      'figcaption',
      {},
      h('span', { class: 'key demand-key' }, 'demand (bids)'),
      ' ',
      h('span', { class: 'key supply-key' }, 'supply (offers)'),
      ' ',
      h('span', { class: 'key clearing-key' }, 'clearing'),
    ),
  );
}

/** Set through the CSSOM: the page's CSP allows no inline style attributes. */
function barFill(percentWidth: number): HTMLElement {
  const fill = h('span', { class: 'bar-fill' });
  fill.style.width = `${percentWidth}%`;
  return fill;
}

/** Horizontal bars with their numbers written next to them. */
export function barChart(items: Array<{ label: string; value: number; highlight?: boolean; note?: string }>) {
  const max = Math.max(1, ...items.map((i) => i.value));
  return h(
    'ul',
    { class: 'bars' },
    items.map((item) =>
      h(
        'li',
        { class: item.highlight ? 'bar highlight' : 'bar' },
        h('span', { class: 'bar-label' }, item.label),
        h('span', { class: 'bar-track', 'aria-hidden': 'true' }, barFill((item.value / max) * 100)),
        h('span', { class: 'bar-value' }, String(item.value), item.note ? ` ${item.note}` : ''),
      ),
    ),
  );
}

export interface SankeyNode {
  id: string;
  label: string;
  column: number;
}

export interface SankeyLink {
  source: string;
  target: string;
  value: number;
}

/**
 * A Sankey diagram: nodes in columns, band widths proportional to the money that flows. Used for
 * donations → disbursements → beneficiaries.
 */
export function sankeyChart(nodes: SankeyNode[], links: SankeyLink[], describe: string) {
  const width = 640;
  const columns = Math.max(1, ...nodes.map((n) => n.column + 1));
  const nodeWidth = 12;
  const gap = 10;
  const inflow = new Map<string, number>();
  const outflow = new Map<string, number>();
  for (const link of links) {
    outflow.set(link.source, (outflow.get(link.source) ?? 0) + link.value);
    inflow.set(link.target, (inflow.get(link.target) ?? 0) + link.value);
  }
  const size = (id: string) => Math.max(inflow.get(id) ?? 0, outflow.get(id) ?? 0);
  const byColumn = Array.from({ length: columns }, (_, c) =>
    nodes.filter((n) => n.column === c && size(n.id) > 0),
  );
  const columnTotals = byColumn.map((col) => col.reduce((sum, n) => sum + size(n.id), 0));
  const maxTotal = Math.max(1, ...columnTotals);
  const maxCount = Math.max(1, ...byColumn.map((c) => c.length));
  const height = Math.max(160, maxCount * 34);
  const scale = (height - gap * (maxCount - 1) - 10) / maxTotal;
  const layout = new Map<string, { x: number; y: number; h: number; outUsed: number; inUsed: number }>();
  byColumn.forEach((col, c) => {
    const x = columns === 1 ? 0 : (c / (columns - 1)) * (width - nodeWidth - 170) + 4;
    let y = 5;
    for (const node of col) {
      const hgt = Math.max(2, size(node.id) * scale);
      layout.set(node.id, { x, y, h: hgt, outUsed: 0, inUsed: 0 });
      y += hgt + gap;
    }
  });
  const svg = s('svg', {
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': describe,
    class: 'chart sankey',
  });
  for (const link of links) {
    const a = layout.get(link.source);
    const b = layout.get(link.target);
    if (!a || !b || link.value <= 0) continue;
    const band = link.value * scale;
    const y0 = a.y + a.outUsed + band / 2;
    const y1 = b.y + b.inUsed + band / 2;
    a.outUsed += band;
    b.inUsed += band;
    const x0 = a.x + nodeWidth;
    const x1 = b.x;
    const mid = (x0 + x1) / 2;
    svg.append(
      s(
        'path',
        {
          d: `M${round(x0)},${round(y0)} C${round(mid)},${round(y0)} ${round(mid)},${round(y1)} ${round(x1)},${round(y1)}`,
          class: `flow flow-${link.target.split(':')[0]}`,
          'stroke-width': round(Math.max(1, band)),
        },
        s('title', {}, `${link.source} → ${link.target}: ${link.value}`),
      ),
    );
  }
  for (const node of nodes) {
    const box = layout.get(node.id);
    if (!box) continue;
    svg.append(
      s('rect', { x: round(box.x), y: round(box.y), width: nodeWidth, height: round(box.h), class: 'node' }),
      s(
        'text',
        {
          x: round(box.x + nodeWidth + 4),
          y: round(box.y + Math.min(box.h / 2 + 4, box.h + 12)),
          class: 'node-label',
        },
        `${node.label} (${size(node.id)})`,
      ),
    );
  }
  return svg;
}
