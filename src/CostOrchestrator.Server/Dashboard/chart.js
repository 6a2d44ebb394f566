// The spend chart: stacked bars per time bucket as inline SVG, drawn here (no chart library, nothing loaded).
import { s } from './dom.js';
import { cents } from './format.js';

export const PALETTE = ['#1f6feb', '#2f9e5b', '#d99a06', '#8e44ad', '#e8590c', '#0f9aa8', '#c2255c', '#5c7cfa', '#74b816', '#868e96'];

const W = 900;
const H = 320;
const M = { top: 24, right: 16, bottom: 44, left: 64 };

function niceStep(max, ticks) {
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const unit = [1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10;
  return unit * magnitude;
}

function bucketLabel(ms, hourly, offsetMinutes) {
  // Labels in the node's budget time zone (the offset the report used), so a "day" here is a budget day.
  const d = new Date(ms + offsetMinutes * 60_000);
  const pad = (n) => String(n).padStart(2, '0');
  const date = `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return hourly ? (d.getUTCHours() === 0 ? `${date}` : `${pad(d.getUTCHours())}:00`) : date;
}

/**
 * buckets: bucket starts (ms); series: [{ key, color, values: Map(ms -> cents) }] bottom to top;
 * limit: { cents, label } or null; projection: { from, to, cents, label } (bucket starts; cents per bucket) or null.
 */
export function spendChart({ buckets, series, limit, projection, hourly, offsetMinutes }) {
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const totals = buckets.map((b) => series.reduce((sum, x) => sum + (x.values.get(b) ?? 0), 0));
  const peak = Math.max(0, ...totals);
  // A limit far above the spend would flatten every bar to nothing; then it is named, not drawn.
  const drawLimit = limit && limit.cents > 0 && (peak === 0 || limit.cents <= peak * 5);
  const top = Math.max(peak, drawLimit ? limit.cents : 0, projection ? projection.cents : 0) || 1;
  const step = niceStep(top, 5);
  const yMax = Math.ceil(top / step) * step;
  const y = (v) => M.top + plotH - (v / yMax) * plotH;
  const slot = plotW / Math.max(1, buckets.length);
  const barW = Math.max(1, slot * 0.72);

  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Spend per bucket', 'data-testid': 'spend-svg' });
  for (let v = 0; v <= yMax + step / 2; v += step) {
    svg.append(s('line', { class: 'grid', x1: M.left, x2: W - M.right, y1: y(v), y2: y(v) }));
    svg.append(s('text', { x: M.left - 8, y: y(v) + 4, 'text-anchor': 'end' }, `${cents(v)}¢`));
  }
  svg.append(s('line', { class: 'axis', x1: M.left, x2: W - M.right, y1: y(0), y2: y(0) }));

  const every = Math.max(1, Math.ceil(buckets.length / 12));
  buckets.forEach((b, i) => {
    const x = M.left + i * slot + (slot - barW) / 2;
    let base = 0;
    for (const x2 of series) {
      const v = x2.values.get(b) ?? 0;
      if (v <= 0) continue;
      const rect = s('rect', { x, y: y(base + v), width: barW, height: Math.max(0.5, y(base) - y(base + v)), fill: x2.color, 'data-key': x2.key, 'data-bucket': b });
      rect.append(s('title', null, `${x2.key} · ${bucketLabel(b, hourly, offsetMinutes)}: ${cents(v)}¢`));
      svg.append(rect);
      base += v;
    }
    if (i % every === 0) {
      svg.append(s('text', { x: M.left + i * slot + slot / 2, y: H - M.bottom + 16, 'text-anchor': 'middle' }, bucketLabel(b, hourly, offsetMinutes)));
    }
  });

  if (drawLimit) {
    svg.append(s('line', { class: 'limit', x1: M.left, x2: W - M.right, y1: y(limit.cents), y2: y(limit.cents), 'data-testid': 'spend-limit-line' }));
    svg.append(s('text', { class: 'limit-label', x: W - M.right, y: y(limit.cents) - 6, 'text-anchor': 'end' }, `${limit.label}: ${cents(limit.cents)}¢`));
  } else if (limit && limit.cents > 0) {
    svg.append(s('text', { class: 'limit-label', x: W - M.right, y: M.top - 8, 'text-anchor': 'end' },
      `${limit.label}: ${cents(limit.cents)}¢ — far above this scale (peak ${cents(peak)}¢ is ${(peak / limit.cents * 100).toPrecision(2)} % of it)`));
  }
  if (projection && projection.cents > 0) {
    // Where the budget window is heading at its burn rate: a dashed line over the buckets still to come.
    const first = buckets.indexOf(projection.from);
    const last = buckets.indexOf(projection.to);
    if (first >= 0 && last >= first) {
      const x1 = M.left + first * slot + (slot - barW) / 2;
      const x2 = M.left + last * slot + (slot + barW) / 2;
      svg.append(s('line', { class: 'projection', x1, x2, y1: y(projection.cents), y2: y(projection.cents), 'data-testid': 'spend-projection' }));
      svg.append(s('text', { class: 'projection-label', x: x2, y: y(projection.cents) - 6, 'text-anchor': 'end', 'data-testid': 'spend-projection-label' }, projection.label));
    }
  }
  if (peak === 0) {
    svg.append(s('text', { class: 'empty-label', x: M.left + plotW / 2, y: M.top + plotH / 2, 'text-anchor': 'middle' }, 'No spend in this range yet'));
  }
  return svg;
}
