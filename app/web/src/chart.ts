// The mint-rate curve as an SVG step chart: rate (log scale) against DIEM supply, the current
// supply marked, and the span a quoted lock would mint shaded.
import type { CurveEntry } from '@diem/client';

const W = 860;
const H = 260;
const PAD = { left: 70, right: 16, top: 26, bottom: 34 };

export function curveChart(entries: readonly CurveEntry[], supply: bigint, quotedTo: bigint | null, oneDiem: bigint, oneVvv: bigint): string {
  // Show the buckets up to where the rate has grown 100-fold (or the supply, if beyond).
  const base = Number(entries[0].rate);
  let last = entries.findIndex((e) => Number(e.rate) > base * 100);
  if (last < 0) last = entries.length - 1;
  while (last < entries.length - 1 && entries[last].supplyBound < (quotedTo ?? supply)) last++;
  const shown = entries.slice(0, last + 1);
  const maxSupply = Number(shown[shown.length - 1].supplyBound / oneDiem);
  const rates = shown.map((e) => Number(e.rate) / Number(oneVvv));
  const lo = Math.log10(Math.min(...rates));
  const hi = Math.max(Math.log10(Math.max(...rates)), lo + 1);
  const x = (diem: number) => PAD.left + (diem / maxSupply) * (W - PAD.left - PAD.right);
  const y = (rate: number) => H - PAD.bottom - ((Math.log10(rate) - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);
  let path = '';
  let lower = 0;
  shown.forEach((e, i) => {
    const upper = Number(e.supplyBound / oneDiem);
    path += `${i === 0 ? 'M' : 'L'}${x(lower).toFixed(1)},${y(rates[i]).toFixed(1)} L${x(upper).toFixed(1)},${y(rates[i]).toFixed(1)} `;
    lower = upper;
  });
  const now = Number(supply) / Number(oneDiem);
  const ticksY = [];
  for (let p = Math.ceil(lo); p <= Math.floor(hi); p++) ticksY.push(p);
  const ticksX = [0, 0.25, 0.5, 0.75, 1].map((f) => f * maxSupply);
  const shade =
    quotedTo !== null && quotedTo > supply
      ? `<rect id="chart-quote" x="${x(now).toFixed(1)}" y="${PAD.top}" width="${Math.max(4, x(Number(quotedTo) / Number(oneDiem)) - x(now)).toFixed(1)}" height="${H - PAD.top - PAD.bottom}" fill="#5b4ff0" opacity="0.25"/>
  <text x="${(x(now) + 6).toFixed(1)}" y="${PAD.top + 26}" font-size="11" fill="#4b3fd1">after this lock ${(Number(quotedTo) / Number(oneDiem)).toLocaleString('en-US', { maximumFractionDigits: 2 })}</text>`
      : '';
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="rate by supply">
  ${ticksY.map((p) => `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(10 ** p)}" y2="${y(10 ** p)}" stroke="#eef0f5"/><text x="${PAD.left - 6}" y="${y(10 ** p) + 4}" text-anchor="end" font-size="11" fill="#6b7080">${(10 ** p).toLocaleString('en-US')}</text>`).join('')}
  ${ticksX.map((d) => `<text x="${x(d)}" y="${H - 12}" text-anchor="middle" font-size="11" fill="#6b7080">${Math.round(d).toLocaleString('en-US')}</text>`).join('')}
  <text x="${W - PAD.right}" y="${H - 1}" text-anchor="end" font-size="11" fill="#6b7080">DIEM supply</text>
  <text x="12" y="14" font-size="11" fill="#6b7080">VVV per DIEM (log scale)</text>
  ${shade}
  <path d="${path}" fill="none" stroke="#5b4ff0" stroke-width="2"/>
  <line id="chart-supply" x1="${x(now)}" x2="${x(now)}" y1="${PAD.top}" y2="${H - PAD.bottom}" stroke="#e8590c" stroke-width="2" stroke-dasharray="4 3"/>
  <text x="${x(now) + 4}" y="${PAD.top + 12}" font-size="11" fill="#e8590c">supply ${now.toLocaleString('en-US', { maximumFractionDigits: 2 })}</text>
</svg>`;
}
