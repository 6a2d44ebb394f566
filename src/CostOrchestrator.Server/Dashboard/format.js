// Formatting. Cents are shown as the API writes them: up to six decimals, trailing zeros trimmed, no separators,
// so the number on screen is the number in the API response.

/** 0.3762 -> "0.3762", 5000 -> "5000", 0.30 -> "0.3". */
export function cents(value) {
  if (value === null || value === undefined || value === '') return '—';
  const text = Number(value).toFixed(6).replace(/\.?0+$/, '');
  return text === '-0' ? '0' : text;
}

/** A fraction (pct_consumed: 1 = the whole limit) as a percentage. */
export function percent(fraction) {
  if (fraction === null || fraction === undefined) return '—';
  const pct = Number(fraction) * 100;
  if (pct > 0 && pct < 0.1) return '< 0.1 %';
  return (pct >= 10 || pct === 0 ? pct.toFixed(0) : pct.toFixed(1)) + ' %';
}

export function number(value) {
  return Number(value ?? 0).toLocaleString('en-US');
}

/** 14.759 -> "15 ms", 2500 -> "2.5 s", 200000 -> "3 min 20 s". */
export function duration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** "in 5 h 12 min" / "3 min ago", relative to now. */
export function relative(iso, now = Date.now()) {
  if (!iso) return '—';
  const delta = Date.parse(iso) - now;
  if (Math.abs(delta) < 1500) return 'now';
  const span = coarse(Math.abs(delta));
  return delta > 0 ? `in ${span}` : `${span} ago`;
}

function coarse(ms) {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d`;
}

/** Age in whole days. */
export function ageDays(iso, now = Date.now()) {
  return iso ? Math.floor((now - Date.parse(iso)) / 86_400_000) : null;
}

/** "2026-11-22 09:03:30" in the browser's time zone. */
export function timestamp(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A provider's price in words, from its cost_model. */
export function price(model) {
  if (!model) return '—';
  switch (model.kind) {
    case 'per-invocation': return `${cents(model.cents_per_invocation)}¢ per call`;
    case 'per-token': return `${cents(model.input_cents_per_million_tokens)}¢ in · ${cents(model.output_cents_per_million_tokens)}¢ out per 1M tokens`;
    case 'per-unit': return `${cents(model.cents_per_unit)}¢ per ${model.unit ?? 'unit'}`;
    case 'subscription': return `${cents(model.monthly_cents)}¢ per month${model.monthly_quota ? `, ${number(model.monthly_quota)} included` : ''}`;
    default: return model.kind ?? '—';
  }
}

/** "run_01a2027f26e97529bb6ca949" -> "run_01a2…ca949" for narrow cells (the full id is in the title). */
export function shortId(id) {
  return id && id.length > 18 ? `${id.slice(0, 8)}…${id.slice(-6)}` : id;
}

export function label(status) {
  return String(status ?? '').replace(/_/g, ' ');
}
