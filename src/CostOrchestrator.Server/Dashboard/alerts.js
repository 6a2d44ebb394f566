// The Alerts tab: the node's stored alerts (GET /v1/alerts), open first, then those resolved recently. The node
// evaluates them every minute and posts each to the configured webhooks as it fires and resolves.
import { h, fill } from './dom.js';
import * as f from './format.js';

const SEVERITY = {
  budget_exhausted: 5, provider_down: 4, budget_constrained: 3, budget_forecast_exceeded: 2, run_cost_anomaly: 2,
  provider_price_drift: 2, budget_warn: 1, cache_hit_ratio_low: 1, price_stale: 1,
};

const bySeverity = (a, b) => (SEVERITY[b.kind] ?? 0) - (SEVERITY[a.kind] ?? 0) || b.opened_at.localeCompare(a.opened_at);

function row(alert) {
  return h('tr', { testid: 'alert', data: { kind: alert.kind, subject: alert.subject, open: String(alert.resolved_at == null) } },
    h('td', null, h('span', { class: ['pill', alert.resolved_at == null ? 'exhausted' : 'normal'] }, alert.kind.replaceAll('_', ' '))),
    h('td', { class: 'mono scope' }, alert.subject),
    h('td', { testid: 'alert-message' }, alert.message),
    h('td', null, f.relative(alert.opened_at)),
    h('td', null, alert.resolved_at ? f.relative(alert.resolved_at) : '—'));
}

function table(alerts, empty) {
  if (alerts.length === 0) return h('p', { class: 'all-clear' }, empty);
  return h('table', { class: 'data' },
    h('thead', null, h('tr', null, ['Kind', 'About', 'What happened', 'Fired', 'Resolved'].map((t) => h('th', null, t)))),
    h('tbody', null, [...alerts].sort(bySeverity).map(row)));
}

/** Draws the open and the recently resolved alerts into the container. */
export function renderAlertList(container, alerts) {
  const open = alerts.filter((a) => a.resolved_at == null);
  const resolved = alerts.filter((a) => a.resolved_at != null).slice(0, 50);
  fill(container,
    h('section', { class: 'card alert-section table-card' },
      h('h3', null, `Open (${open.length})`),
      table(open, 'Nothing needs attention: every budget is below its warn threshold and every provider is up.')),
    h('section', { class: 'card alert-section table-card' },
      h('h3', null, `Resolved recently (${resolved.length})`),
      table(resolved, 'Nothing resolved in the last 30 days.')));
}
