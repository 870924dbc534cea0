// The mint-rate curve around today's supply: a step chart of the buckets from a few below the
// supply to a few past it (or past what the typed lock would reach), on a linear scale, so the
// step the next mint pays is visible. A caption says the same in words.
import { ONE_DIEM, type CurveEntry } from '@diem/client';
import { h, s } from '../dom';

const W = 860;
const H = 260;
const PAD = { left: 70, right: 16, top: 26, bottom: 34 };
/** Buckets shown either side of the supply (and past a quote's end). */
const AROUND = 6;

export function curveChart(entries: readonly CurveEntry[], supply: bigint, quotedTo: bigint | null, vvvDecimals: number): HTMLElement {
  const bucketOf = (x: bigint) => {
    const i = entries.findIndex((e) => x < e.supplyBound);
    return i < 0 ? entries.length - 1 : i;
  };
  const here = bucketOf(supply);
  const first = Math.max(0, here - AROUND);
  // Near zero supply fewer buckets lie below it: show as many more above.
  const spare = AROUND - (here - first);
  const last = Math.min(entries.length - 1, Math.max(bucketOf(quotedTo ?? supply), here) + AROUND + spare);
  const shown = entries.slice(first, last + 1);
  const whole = (x: bigint) => Number(x) / Number(ONE_DIEM);
  const oneVvv = 10 ** vvvDecimals;
  const lo = first === 0 ? 0 : whole(entries[first - 1].supplyBound);
  const hi = whole(shown[shown.length - 1].supplyBound);
  const rates = shown.map((e) => Number(e.rate) / oneVvv);
  const rMin = Math.min(...rates) * 0.98;
  const rMax = Math.max(...rates) * 1.02;
  const x = (d: number) => PAD.left + ((d - lo) / (hi - lo)) * (W - PAD.left - PAD.right);
  const y = (r: number) => H - PAD.bottom - ((r - rMin) / (rMax - rMin || 1)) * (H - PAD.top - PAD.bottom);
  let path = '';
  let lower = lo;
  shown.forEach((e, i) => {
    const upper = whole(e.supplyBound);
    path += `${i === 0 ? 'M' : 'L'}${x(lower).toFixed(1)},${y(rates[i]).toFixed(1)} L${x(upper).toFixed(1)},${y(rates[i]).toFixed(1)} `;
    lower = upper;
  });
  const now = whole(supply);
  const fmt = (n: number, digits = 2) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
  const label = { 'font-size': 11, fill: '#4a4f5e' };
  const ticksY = [0, 0.25, 0.5, 0.75, 1].map((f) => rMin + f * (rMax - rMin));
  const ticksX = [0, 0.25, 0.5, 0.75, 1].map((f) => lo + f * (hi - lo));
  const quoted = quotedTo !== null && quotedTo > supply ? whole(quotedTo) : null;
  const svg = s(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, 'aria-hidden': 'true', focusable: 'false' },
    ...ticksY.map((r) => s('g', {}, s('line', { x1: PAD.left, x2: W - PAD.right, y1: y(r), y2: y(r), stroke: '#eef0f5' }), s('text', { x: PAD.left - 6, y: y(r) + 4, 'text-anchor': 'end', ...label }, fmt(r)))),
    ...ticksX.map((d) => s('text', { x: x(d), y: H - 12, 'text-anchor': 'middle', ...label }, fmt(d, 0))),
    s('text', { x: W - PAD.right, y: H - 1, 'text-anchor': 'end', ...label }, 'DIEM supply'),
    s('text', { x: 12, y: 14, ...label }, 'VVV locked per DIEM'),
    quoted !== null && s('rect', { id: 'chart-quote', x: x(now).toFixed(1), y: PAD.top, width: Math.max(4, x(Math.min(quoted, hi)) - x(now)).toFixed(1), height: H - PAD.top - PAD.bottom, fill: '#5b4ff0', opacity: 0.25 }),
    s('path', { d: path, fill: 'none', stroke: '#5b4ff0', 'stroke-width': 2 }),
    s('line', { id: 'chart-supply', x1: x(now), x2: x(now), y1: PAD.top, y2: H - PAD.bottom, stroke: '#c2410c', 'stroke-width': 2, 'stroke-dasharray': '4 3' }),
    s('text', { x: x(now) + 4, y: PAD.top + 12, 'font-size': 11, fill: '#9a3412' }, `supply ${fmt(now)}`),
  );
  const next = entries[here];
  const words =
    `Supply now ${fmt(now)} DIEM; the next DIEM costs ${fmt(Number(next.rate) / oneVvv, 4)} VVV of locked sVVV, ` +
    `up to ${fmt(whole(next.supplyBound), 0)} DIEM` +
    (here + 1 < entries.length ? `, then ${fmt(Number(entries[here + 1].rate) / oneVvv, 4)}.` : ', the last bucket.') +
    (quoted !== null ? ` The lock typed below would take the supply to ${fmt(quoted)}.` : '');
  return h('figure', { class: 'chart' }, svg, h('figcaption', { id: 'chart-caption' }, words));
}
