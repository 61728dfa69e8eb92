import type {
  Encumbrance,
  LandParcel,
  LandTitle,
  ParcelTransfer,
  ProvenanceEntry,
} from '@cityledger/chaincode-land-registry';
import type { ChaincodeEvent } from '../api/event-stream';
import { h, s } from '../ui/dom';
import { didCell, money, shortDid, when } from '../ui/format';
import { PanelFrame, debounce, errorText, part, replaceWith, table, verdict } from '../ui/panel';
import { type PanelContext, channelsWith } from './panel-context';

type Position = [number, number];

interface Polygon {
  type: 'Polygon';
  coordinates: Position[][];
}

const MAP_WIDTH = 480;
const MAP_HEIGHT = 300;
const MAX_PARCELS = 300;

/**
 * Land: parcels drawn from their GeoJSON as SVG (no map tiles), and for a chosen parcel its title,
 * encumbrances, transfers and full provenance timeline through its ancestors; open transfers.
 * The registry has no "list all parcels" query, so the panel learns parcel ids from the event
 * stream's replay and live events.
 */
export function mountLandPanel(context: PanelContext): PanelFrame {
  const frame = new PanelFrame(
    'land',
    'Land registry',
    'Parcels drawn from their geometry; choose one for its title, encumbrances and provenance.',
  );
  const [channel] = channelsWith(context, 'land-registry');
  const parcelIds = new Set<string>();
  const parcels = new Map<string, LandParcel>();
  let selected: string | undefined;

  const slots = {
    map: h('div', { class: 'map-wrap' }),
    list: h('div', { class: 'parcel-list' }),
    detail: h('div', { class: 'parcel-detail', 'aria-live': 'polite', id: 'parcel-detail' }),
    transfers: h('div'),
  };
  const showRetired = h('input', { type: 'checkbox', id: 'land-retired' });
  showRetired.addEventListener('change', () => renderMap());
  frame.body.append(
    h(
      'div',
      { class: 'land-grid' },
      h(
        'div',
        {},
        slots.map,
        h('label', { class: 'check' }, showRetired, ' Show retired parcels'),
        slots.list,
      ),
      slots.detail,
    ),
    part('Open transfers', slots.transfers),
  );

  function renderMap(): void {
    const visible = [...parcels.values()].filter((p) => showRetired.checked || p.status === 'active');
    const drawable = visible.filter((p) => polygonOf(p)?.coordinates?.[0]?.length);
    const positions = drawable.flatMap((p) => polygonOf(p)!.coordinates.flat());
    const svg = s('svg', {
      viewBox: `0 0 ${MAP_WIDTH} ${MAP_HEIGHT}`,
      class: 'chart parcel-map',
      role: 'group',
      'aria-label': `Map of ${drawable.length} parcels; each parcel is a button`,
    });
    if (positions.length > 0) {
      const lons = positions.map((p) => p[0]);
      const lats = positions.map((p) => p[1]);
      const [minLon, maxLon, minLat, maxLat] = [
        Math.min(...lons),
        Math.max(...lons),
        Math.min(...lats),
        Math.max(...lats),
      ];
      // Equirectangular with the longitude shrunk by cos(latitude): right for a city-sized area.
      const kx = Math.cos(((minLat + maxLat) / 2) * (Math.PI / 180));
      const spanX = Math.max((maxLon - minLon) * kx, 1e-9);
      const spanY = Math.max(maxLat - minLat, 1e-9);
      const scale = Math.min((MAP_WIDTH - 20) / spanX, (MAP_HEIGHT - 20) / spanY);
      const offsetX = (MAP_WIDTH - spanX * scale) / 2;
      const offsetY = (MAP_HEIGHT - spanY * scale) / 2;
      const project = ([lon, lat]: Position) =>
        `${(offsetX + (lon - minLon) * kx * scale).toFixed(1)},${(MAP_HEIGHT - offsetY - (lat - minLat) * scale).toFixed(1)}`;
      for (const parcel of drawable) {
        const d = polygonOf(parcel)!
          .coordinates.map((ring) => `M${ring.map(project).join(' L')} Z`)
          .join(' ');
        const label = `Parcel ${parcel.parcelId}, ${parcel.areaM2} m², ${parcel.landUse}${parcel.status === 'retired' ? ', retired' : ''}`;
        const shape = s(
          'path',
          {
            d,
            class: `parcel parcel-${parcel.landUse} ${parcel.status}${parcel.parcelId === selected ? ' selected' : ''}`,
            tabindex: 0,
            role: 'button',
            'aria-label': label,
            'aria-pressed': parcel.parcelId === selected ? 'true' : 'false',
            'data-parcel': parcel.parcelId,
            'fill-rule': 'evenodd',
          },
          s('title', {}, label),
        );
        shape.addEventListener('click', () => void select(parcel.parcelId));
        shape.addEventListener('keydown', (event) => {
          if ((event as KeyboardEvent).key === 'Enter' || (event as KeyboardEvent).key === ' ') {
            event.preventDefault();
            void select(parcel.parcelId);
          }
        });
        svg.append(shape);
      }
    }
    replaceWith(
      slots.map,
      drawable.length ? svg : h('p', { class: 'empty' }, 'No parcel with a geometry yet.'),
    );
    replaceWith(
      slots.list,
      h(
        'ul',
        { class: 'chips', 'aria-label': 'Parcels' },
        visible
          .sort((a, b) => a.parcelId.localeCompare(b.parcelId))
          .map((p) =>
            h(
              'li',
              {},
              h(
                'button',
                {
                  type: 'button',
                  class: p.parcelId === selected ? 'chip selected' : 'chip',
                  'aria-pressed': p.parcelId === selected ? 'true' : 'false',
                  onclick: () => void select(p.parcelId),
                },
                p.parcelId,
              ),
            ),
          ),
      ),
    );
  }

  async function select(parcelId: string): Promise<void> {
    selected = parcelId;
    renderMap();
    replaceWith(slots.detail, h('p', {}, `Loading parcel ${parcelId}…`));
    try {
      const q = <T>(fn: string, args: string[]) =>
        context.client.query<T>(channel!, 'land-registry', fn, args);
      const [parcel, title, encumbrances, provenance, transfers] = await Promise.all([
        q<LandParcel>('GetParcel', [parcelId]),
        q<LandTitle>('GetTitle', [parcelId]),
        q<Encumbrance[]>('ListEncumbrances', [parcelId, 'true']),
        q<ProvenanceEntry[]>('GetProvenance', [parcelId]),
        context.client.queryAll<ParcelTransfer>(channel!, 'land-registry', 'ListTransfersOfParcel', [
          parcelId,
        ]),
      ]);
      if (selected !== parcelId) return;
      replaceWith(
        slots.detail,
        h('h3', {}, `Parcel ${parcel.parcelId}`),
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, 'Area'),
          h('dd', {}, `${parcel.areaM2.toLocaleString('en')} m²`),
          h('dt', {}, 'Land use'),
          h('dd', {}, `${parcel.landUse}${parcel.zoning ? ` (${parcel.zoning})` : ''}`),
          h('dt', {}, 'Status'),
          h('dd', {}, parcel.status, parcel.retiredBy ? ` by ${parcel.retiredBy}` : ''),
          parcel.parentIds.length ? [h('dt', {}, 'From'), h('dd', {}, parcel.parentIds.join(', '))] : null,
          parcel.childIds.length ? [h('dt', {}, 'Became'), h('dd', {}, parcel.childIds.join(', '))] : null,
          h('dt', {}, 'Title'),
          h(
            'dd',
            { class: 'title-owners' },
            title.owners.map((o) => `${shortDid(o.did)} ${(o.shares / 100).toFixed(2)}%`).join(', '),
            ` — by ${title.acquiredBy} since ${when(title.since)}`,
          ),
        ),
        h('h4', {}, 'Encumbrances'),
        table(
          'Encumbrances',
          ['Id', 'Kind', 'Holder', 'Amount', 'Status', 'On'],
          encumbrances.map((e) => [
            e.encumbranceId,
            e.kind,
            didCell(e.holderDid),
            e.amount !== undefined ? money(e.amount, e.currency) : '—',
            e.status,
            e.parcelId,
          ]),
          'None.',
        ),
        h('h4', {}, 'Transfers'),
        table(
          'Transfers',
          ['Id', 'Buyers', 'Price', 'Status', 'Proposed'],
          transfers.map((t) => [
            t.transferId,
            t.buyers.map((b) => shortDid(b.did)).join(', '),
            money(t.price, t.currency),
            t.status,
            when(t.proposedAt),
          ]),
          'None.',
        ),
        h('h4', {}, 'Provenance'),
        h(
          'ol',
          { class: 'timeline', 'aria-label': `Provenance of parcel ${parcelId}, oldest first` },
          provenance.map((entry) =>
            h(
              'li',
              {},
              h('time', { datetime: entry.timestamp }, when(entry.timestamp)),
              ' ',
              h('strong', {}, `${entry.parcelId} · ${entry.recordType}`),
              ' — ',
              describe(entry),
              ' ',
              h('code', { title: entry.txId }, entry.txId.slice(0, 10)),
            ),
          ),
        ),
      );
    } catch (error) {
      replaceWith(slots.detail, verdict(false, `Could not load parcel ${parcelId}: ${errorText(error)}`));
    }
  }

  async function load(): Promise<void> {
    try {
      const ids = [...parcelIds].slice(0, MAX_PARCELS);
      const [loaded, open] = await Promise.all([
        Promise.all(
          ids.map((id) =>
            context.client
              .query<LandParcel>(channel!, 'land-registry', 'GetParcel', [id])
              .catch(() => undefined),
          ),
        ),
        context.client.queryAll<ParcelTransfer>(channel!, 'land-registry', 'ListOpenTransfers'),
      ]);
      for (const parcel of loaded) if (parcel) parcels.set(parcel.parcelId, parcel);
      frame.setState('live');
      renderMap();
      replaceWith(
        slots.transfers,
        table(
          'Open transfers',
          ['Transfer', 'Parcel', 'Buyers', 'Price', 'Waiting for'],
          open.map((t) => [
            t.transferId,
            t.parcelId,
            t.buyers.map((b) => shortDid(b.did)).join(', '),
            money(t.price, t.currency),
            (t.pendingConsents ?? []).map((c) => `${shortDid(c.did)} (${c.capacity})`).join(', ') ||
              'registrar approval',
          ]),
          'No open transfers.',
        ),
      );
      if (selected) await select(selected);
    } catch (error) {
      frame.showFailure(error, 'the land registry');
    }
  }

  if (!channel) {
    frame.setState(
      'refused',
      'The land registry runs on channel civic, which your organisation is not a member of.',
    );
    return frame;
  }
  let caughtUp = false;
  const reload = debounce(() => void load(), 300);
  context.events.subscribe({
    caughtUp: (c) => {
      if (c !== channel) return;
      caughtUp = true;
      void load();
    },
    chaincode: (event: ChaincodeEvent) => {
      if (event.channel !== channel || event.chaincode !== 'land-registry') return;
      const payload = event.payload as {
        parcelId?: string;
        parentIds?: string[];
        children?: Array<{ parcelId: string }>;
      };
      if (payload.parcelId) parcelIds.add(payload.parcelId);
      payload.parentIds?.forEach((id) => parcelIds.add(id));
      payload.children?.forEach((child) => parcelIds.add(child.parcelId));
      if (caughtUp) reload();
    },
  });
  return frame;
}

/** The ledger keeps a parcel's polygon as canonical JSON text (what `geometryHash` hashes). */
function polygonOf(parcel: LandParcel): Polygon | undefined {
  const geometry = parcel.location.geometry;
  if (!geometry) return undefined;
  try {
    const parsed = JSON.parse(geometry) as Polygon;
    return parsed.type === 'Polygon' && Array.isArray(parsed.coordinates) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function describe(entry: ProvenanceEntry): string {
  if (entry.title) {
    return `title: ${entry.title.owners.map((o) => `${shortDid(o.did)} ${o.shares / 100}%`).join(', ')} (${entry.title.acquiredBy})`;
  }
  if (entry.encumbrance) {
    const e = entry.encumbrance;
    return `${e.kind} ${e.encumbranceId} held by ${shortDid(e.holderDid)}: ${e.status}`;
  }
  if (entry.parcel) {
    const p = entry.parcel;
    return `parcel ${p.status}, ${p.areaM2} m² ${p.landUse}${p.childIds.length ? ` → ${p.childIds.join(', ')}` : ''}`;
  }
  return entry.recordType;
}
