// CostOrchestrator operator dashboard: reads the node's REST API with the operator's token and polls it.
// Plain ES modules, no build step, nothing loaded from outside the node (the page's CSP forbids it anyway).
import { Api, ApiError, enc } from './api.js';
import { renderAlertList } from './alerts.js';
import { spendChart, PALETTE } from './chart.js';
import { $, $$, fill, h } from './dom.js';
import * as f from './format.js';

const TOKEN_KEY = 'costorch.dashboard.token';
const params = new URLSearchParams(location.search);
/** Refresh interval; ?poll=ms overrides (at least 500). Default: 3 s. */
const POLL_MS = Math.max(500, Number(params.get('poll')) || 3000);
const BUDGET_PAGE = 50;
const RUN_PAGE = 25;
const STALE_DAYS = 30;
const TABS = ['budgets', 'spend', 'runs', 'providers', 'alerts', 'cluster'];
const SEVERITY = { exhausted: 3, constrained: 2, warn: 1, normal: 0 };

const state = {
  api: null,
  admin: false,
  tab: 'budgets',
  budgets: [],
  providers: [],
  cluster: null,
  alerts: [],
  budgetPage: 0,
  runPage: 0,
  runs: [],
  runHasNext: false,
  runId: null,
  run: null,
  runMissing: false,
  spend: null,
  drawn: {},
  timer: null,
  running: null,
  again: false,
  action: null,
};

// ---------------------------------------------------------------- start, sign-in, polling

wire();
loadNodeId();
const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) signIn(saved); else showLogin();

async function loadNodeId() {
  try {
    const ready = await fetch('/readyz', { cache: 'no-store' }).then((r) => r.json());
    $('#node-id').textContent = ready.node_id ?? '?';
  } catch {
    $('#node-id').textContent = '?';
  }
}

function showLogin(message) {
  $('#app').hidden = true;
  $('#login').hidden = false;
  $('#role').hidden = true;
  $('#sign-out').hidden = true;
  fill($('#status-summary'));
  const error = $('#login-error');
  error.hidden = !message;
  error.textContent = message ?? '';
  $('#token-input').focus();
}

async function signIn(token) {
  const api = new Api(token);
  try {
    await api.get('/v1/cluster/nodes');
  } catch (e) {
    sessionStorage.removeItem(TOKEN_KEY);
    showLogin(e instanceof ApiError && e.status === 401
      ? 'The node does not accept this token or key (401). Check it and try again.'
      : `Cannot reach the node: ${e.message}`);
    return;
  }

  // The admin token can list API keys; a key gets 403 there. That is the whole role check: the routes decide.
  let admin = false;
  try {
    await api.get('/v1/keys');
    admin = true;
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
  }

  sessionStorage.setItem(TOKEN_KEY, token);
  Object.assign(state, { api, admin, drawn: {} });
  document.body.classList.toggle('is-admin', admin);
  $('#login').hidden = true;
  $('#app').hidden = false;
  const role = $('#role');
  role.hidden = false;
  role.textContent = admin ? 'admin' : 'read-only (API key)';
  role.title = admin ? 'Operator actions are available.' : 'Shows what this key may read; actions need the admin token.';
  $('#sign-out').hidden = false;
  route();
}

function signOut(message) {
  clearTimeout(state.timer);
  sessionStorage.removeItem(TOKEN_KEY);
  Object.assign(state, { api: null, admin: false, drawn: {} });
  showLogin(message);
}

/** Refreshes now; a refresh already under way is followed by one more rather than run twice at once. */
function refreshNow() {
  if (!state.api) return;
  if (state.running) {
    state.again = true;
    return;
  }
  clearTimeout(state.timer);
  state.running = refresh()
    .then(() => hideBanner())
    .catch((e) => {
      if (e instanceof ApiError && e.status === 401) {
        signOut('The node no longer accepts this token. Sign in again.');
      } else {
        showBanner(`Could not refresh from the node: ${e.message}. Retrying every ${POLL_MS / 1000} s.`);
      }
    })
    .finally(() => {
      state.running = null;
      if (!state.api) return;
      if (state.again) {
        state.again = false;
        refreshNow();
      } else {
        state.timer = setTimeout(refreshNow, POLL_MS);
      }
    });
}

async function refresh() {
  const api = state.api;
  const [budgets, providers, cluster, alerts] = await Promise.all([api.get('/v1/budgets'), api.get('/v1/providers'), api.get('/v1/cluster/nodes'), api.get('/v1/alerts')]);
  if (api !== state.api) return;
  Object.assign(state, { budgets, providers, cluster, alerts });
  renderSummary();
  switch (state.tab) {
    case 'budgets': renderBudgets(); break;
    case 'spend': await loadSpend(); break;
    case 'runs': await loadRuns(); break;
    case 'providers': renderProviders(); break;
    case 'alerts': renderAlerts(); break;
    case 'cluster': renderCluster(); break;
  }
  $('#last-updated').textContent = `updated ${new Date().toLocaleTimeString('en-GB')}`;
}

/** Draws only when what would be drawn changed, so polling keeps the scroll position and does not flicker. */
function changed(view, ...inputs) {
  const key = JSON.stringify(inputs);
  if (state.drawn[view] === key) return false;
  state.drawn[view] = key;
  return true;
}

// A minute-resolution clock in the change keys keeps "resets in …" and "… ago" current without redrawing every poll.
const minute = () => Math.floor(Date.now() / 60_000);

// ---------------------------------------------------------------- navigation and static wiring

function route() {
  const [tab, runId] = location.hash.replace(/^#/, '').split('/');
  state.tab = TABS.includes(tab) ? tab : 'budgets';
  state.runId = state.tab === 'runs' && runId ? decodeURIComponent(runId) : null;
  if (!state.runId) {
    state.run = null;
    state.runMissing = false;
  }
  for (const button of $$('.tabs [data-tab]')) button.setAttribute('aria-selected', String(button.dataset.tab === state.tab));
  for (const view of $$('.view')) view.hidden = view.dataset.view !== state.tab;
  state.drawn = {};
  refreshNow();
}

function wire() {
  $('#login-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const token = $('#token-input').value.trim();
    $('#token-input').value = '';
    if (token) signIn(token);
  });
  $('#sign-out').addEventListener('click', () => signOut());
  $('#open-cluster-dashboard').addEventListener('click', () => openClusterDashboard());
  for (const button of $$('.tabs [data-tab]')) {
    button.addEventListener('click', () => { location.hash = `#${button.dataset.tab}`; });
  }
  window.addEventListener('hashchange', route);

  for (const id of ['#budget-kind', '#budget-status', '#budget-sort']) {
    $(id).addEventListener('change', () => { state.budgetPage = 0; renderBudgets(); });
  }
  $('#budget-search').addEventListener('input', () => { state.budgetPage = 0; renderBudgets(); });
  $('#budget-prev').addEventListener('click', () => { state.budgetPage--; renderBudgets(); });
  $('#budget-next').addEventListener('click', () => { state.budgetPage++; renderBudgets(); });
  for (const th of $$('table.budgets th.sortable')) {
    th.addEventListener('click', () => { $('#budget-sort').value = th.dataset.sort; state.budgetPage = 0; renderBudgets(); });
  }

  for (const id of ['#spend-group', '#spend-bucket', '#spend-range']) $(id).addEventListener('change', () => refreshNow());
  $('#spend-csv').addEventListener('click', downloadCsv);

  $('#run-status').addEventListener('change', () => { state.runPage = 0; refreshNow(); });
  $('#run-pipeline').addEventListener('change', () => { state.runPage = 0; refreshNow(); });
  $('#run-prev').addEventListener('click', () => { state.runPage = Math.max(0, state.runPage - 1); refreshNow(); });
  $('#run-next').addEventListener('click', () => { state.runPage++; refreshNow(); });

  for (const id of ['#provider-capability', '#provider-health']) $(id).addEventListener('change', () => renderProviders());

  $('#alerts-evaluate').addEventListener('click', evaluateAlerts);
  $('#action-form').addEventListener('submit', submitAction);
  $('#action-cancel').addEventListener('click', () => $('#action-dialog').close());
}

function showBanner(text) {
  const banner = $('#banner');
  banner.textContent = text;
  banner.hidden = false;
}

function hideBanner() {
  $('#banner').hidden = true;
}

let toastTimer = null;
function toast(text) {
  const el = $('#toast');
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, 6000);
}

const pill = (status, text) => h('span', { class: ['pill', status], testid: 'status' }, text ?? f.label(status));
const money = (value, testid, extra) => h('td', { class: 'num', testid, ...extra }, f.cents(value));

// ---------------------------------------------------------------- top bar summary and alerts

// What needs attention right now, from the budgets' and providers' live status (the summary chips).
function attention() {
  const budgets = [];
  for (const b of state.budgets) {
    for (const w of b.windows) {
      if (w.status !== 'normal') budgets.push({ scope: b.scope, ...w });
    }
  }
  budgets.sort((a, b) => SEVERITY[b.status] - SEVERITY[a.status] || b.pct_consumed - a.pct_consumed || a.scope.localeCompare(b.scope));
  const down = state.providers.filter((p) => p.health === 'down');
  return { budgets, down };
}

function renderSummary() {
  const { down } = attention();
  const worst = {};
  for (const b of state.budgets) if (b.status !== 'normal') worst[b.status] = (worst[b.status] ?? 0) + 1;
  const chips = [];
  for (const status of ['exhausted', 'constrained', 'warn']) {
    if (worst[status]) chips.push(h('span', { class: ['chip', status], testid: `summary-${status}` }, `${worst[status]} ${status}`));
  }
  if (down.length) chips.push(h('span', { class: 'chip down', testid: 'summary-down' }, `${down.length} provider${down.length > 1 ? 's' : ''} down`));
  if (!chips.length) chips.push(h('span', { class: 'chip ok' }, 'All budgets normal · all providers up'));
  const nodes = state.cluster?.nodes ?? [];
  chips.push(h('span', { class: 'chip', testid: 'summary-nodes' }, `${nodes.filter((n) => n.status === 'live').length}/${nodes.length} nodes live`));
  chips.push(h('span', { class: 'chip' }, `${f.number(state.budgets.length)} scopes`));
  if (changed('summary', chips.map((c) => c.textContent))) fill($('#status-summary'), chips);
  const open = state.alerts.filter((a) => a.resolved_at == null).length;
  $('#alert-count').textContent = open ? String(open) : '';
}

function renderAlerts() {
  if (!changed('alerts', state.alerts, minute())) return;
  renderAlertList($('#alert-list'), state.alerts);
}

async function evaluateAlerts() {
  try {
    const changes = await state.api.post('/v1/alerts/evaluate');
    toast(`Evaluated: ${changes.fired.length} fired, ${changes.resolved.length} resolved.`);
  } catch (e) {
    toast(`Could not evaluate: ${e.message}`);
  }
  refreshNow();
}

function meaning(status) {
  switch (status) {
    case 'warn': return 'The router prefers the cheapest provider everywhere.';
    case 'constrained': return 'Free and local providers only; paid-only work is refused or queued.';
    case 'exhausted': return 'Free providers only; anything that cannot be served free is rejected.';
    default: return '';
  }
}

// ---------------------------------------------------------------- budgets

const kindOf = (scope) => (scope === 'global' ? 'global' : scope.slice(0, scope.indexOf(':')));
const maxSpent = (b) => Math.max(0, ...b.windows.map((w) => w.spent_cents));
const nextReset = (b) => Math.min(...b.windows.map((w) => (w.resets_at ? Date.parse(w.resets_at) : Infinity)));

function filteredBudgets() {
  const kind = $('#budget-kind').value;
  const status = $('#budget-status').value;
  const text = $('#budget-search').value.trim().toLowerCase();
  const rows = state.budgets.filter((b) => (!kind || kindOf(b.scope) === kind)
    && (!status || b.status === status)
    && (!text || b.scope.toLowerCase().includes(text)));
  switch ($('#budget-sort').value) {
    case 'scope': rows.sort((a, b) => a.scope.localeCompare(b.scope)); break;
    case 'spent': rows.sort((a, b) => maxSpent(b) - maxSpent(a)); break;
    case 'resets': rows.sort((a, b) => nextReset(a) - nextReset(b)); break;
    default: break; // The API lists the tightest first.
  }
  return rows;
}

function renderBudgets() {
  const rows = filteredBudgets();
  const pages = Math.max(1, Math.ceil(rows.length / BUDGET_PAGE));
  state.budgetPage = Math.min(Math.max(0, state.budgetPage), pages - 1);
  const page = rows.slice(state.budgetPage * BUDGET_PAGE, (state.budgetPage + 1) * BUDGET_PAGE);
  $('#budget-page').textContent = `Page ${state.budgetPage + 1} of ${pages} · ${f.number(rows.length)} scope${rows.length === 1 ? '' : 's'}`;
  $('#budget-prev').disabled = state.budgetPage === 0;
  $('#budget-next').disabled = state.budgetPage >= pages - 1;
  for (const th of $$('table.budgets th.sortable')) th.classList.toggle('sorted', th.dataset.sort === $('#budget-sort').value);
  $('#budget-empty').hidden = rows.length > 0;
  if (!changed('budgets', page, state.admin, minute())) return;
  // One tbody per scope (its windows are its rows), so the table is rebuilt tbody by tbody.
  const table = $('table.budgets');
  for (const old of $$('tbody', table)) old.remove();
  table.append(...page.map(budgetRow));
}

function budgetRow(b) {
  const body = h('tbody', { testid: 'budget-row', data: { scope: b.scope, status: b.status } });
  if (b.windows.length === 0) {
    body.append(h('tr', null,
      h('td', { class: 'scope' }, b.scope),
      h('td', { colspan: 7, class: 'muted' }, 'No limit set: spend is attributed, nothing is limited.'),
      h('td', { class: 'actions' }, state.admin ? limitButton(b, null) : null)));
    return body;
  }
  b.windows.forEach((w, i) => {
    body.append(h('tr', { testid: 'budget-window', data: { window: w.window, status: w.status } },
      i === 0 ? h('td', { class: 'scope', rowspan: b.windows.length }, b.scope) : null,
      h('td', null, w.window),
      h('td', null, usageBar(w)),
      money(w.spent_cents, 'budget-spent'),
      money(w.reserved_cents, 'budget-reserved'),
      money(w.limit_cents, 'budget-limit'),
      h('td', { class: 'num' }, pill(w.status, f.percent(w.pct_consumed))),
      h('td', { title: w.resets_at ? f.timestamp(w.resets_at) : 'A total window never resets.', testid: 'budget-resets' },
        w.resets_at ? f.relative(w.resets_at) : 'never'),
      h('td', { class: 'actions' }, state.admin ? limitButton(b, w) : null)));
  });
  return body;
}

function usageBar(w) {
  const limit = Number(w.limit_cents);
  if (limit <= 0) {
    return h('div', { class: 'bar zero-limit', title: 'Limit 0¢: free providers only.' });
  }
  const share = (v) => `${Math.min(100, (Number(v) / limit) * 100)}%`;
  return h('div', { class: 'bar', title: `spent ${f.cents(w.spent_cents)}¢ + reserved ${f.cents(w.reserved_cents)}¢ of ${f.cents(w.limit_cents)}¢` },
    h('span', { class: ['spent', w.status], style: { width: share(w.spent_cents) } }),
    h('span', { class: 'reserved', style: { width: share(w.reserved_cents) } }));
}

function limitButton(b, w) {
  return h('button', {
    type: 'button', class: 'small', testid: 'action', data: { action: 'limit', scope: b.scope, window: w?.window ?? '' },
    on: { click: () => openLimitDialog(b, w) },
  }, w ? 'Change limit' : 'Set limit');
}

// ---------------------------------------------------------------- operator actions (admin only; the API checks again)

/** JSON with numbers written exactly as typed (a Raw), so 0.1 reaches the server as 0.1 and not a float's digits. */
class Raw {
  constructor(text) { this.text = text; }
}

function json(value) {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${value.map(json).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => `${JSON.stringify(k)}:${json(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A typed number as Raw; anything that is not a decimal number is refused here, the rest (say, -5) by the server. */
function decimal(input, what) {
  const text = input.value.trim();
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw new Error(`${what}: "${text}" is not a number`);
  return new Raw(text);
}

function field(labelText, control) {
  return h('label', null, labelText, control);
}

function openDialog({ title, hint, fields, submit }) {
  $('#action-title').textContent = title;
  $('#action-hint').textContent = hint ?? '';
  fill($('#action-fields'), fields);
  const error = $('#action-error');
  error.hidden = true;
  error.textContent = '';
  $('#action-save').disabled = false;
  state.action = submit;
  $('#action-dialog').showModal();
  $('#action-fields input, #action-fields select')?.focus();
}

async function submitAction(e) {
  e.preventDefault();
  const save = $('#action-save');
  const error = $('#action-error');
  save.disabled = true;
  try {
    const message = await state.action();
    $('#action-dialog').close();
    toast(message);
    state.drawn = {};
    refreshNow();
  } catch (err) {
    error.textContent = err instanceof ApiError
      ? `Refused by the node (${err.status}${err.problem.code ? ` ${err.problem.code}` : ''}): ${err.problem.detail ?? err.message}`
      : err.message;
    error.hidden = false;
  } finally {
    save.disabled = false;
  }
}

function openLimitDialog(b, w) {
  const windowSelect = h('select', { id: 'limit-window', testid: 'limit-window', disabled: Boolean(w) },
    ['day', 'week', 'month', 'total'].map((k) => h('option', { value: k, selected: k === (w?.window ?? 'day') }, k)));
  const input = h('input', { id: 'limit-input', testid: 'limit-input', inputmode: 'decimal', value: w ? f.cents(w.limit_cents) : '', autocomplete: 'off' });
  openDialog({
    title: `${w ? 'Change' : 'Set'} the limit of ${b.scope}`,
    hint: w
      ? `Now ${f.cents(w.limit_cents)}¢ per ${w.window}; spent ${f.cents(w.spent_cents)}¢. The next routing decision uses the new limit.`
      : 'Adds a window to this scope. The next routing decision uses it.',
    fields: [field('Window', windowSelect), field('Limit in cents', input)],
    submit: async () => {
      const target = windowSelect.value;
      const limit = decimal(input, 'Limit');
      const windows = b.windows.map((x) => ({ window: x.window, limit_cents: x.window === target ? limit : new Raw(f.cents(x.limit_cents)) }));
      if (!windows.some((x) => x.window === target)) windows.push({ window: target, limit_cents: limit });
      const thresholds = Object.fromEntries(Object.entries(b.thresholds).map(([k, v]) => [k, new Raw(f.cents(v))]));
      await state.api.put(`/v1/budgets/${enc(b.scope)}`, json({ windows, thresholds, overdraft_cents: new Raw(f.cents(b.overdraft_cents)) }));
      return `${b.scope}: ${target} limit is now ${limit.text}¢.`;
    },
  });
}

function openHealthDialog(p) {
  const next = p.health === 'down' ? 'healthy' : 'down';
  const select = h('select', { id: 'health-select', testid: 'health-select' },
    ['down', 'degraded', 'healthy'].map((k) => h('option', { value: k, selected: k === next }, k)));
  const reason = h('input', { id: 'health-reason', testid: 'health-reason', value: next === 'down' ? 'marked down from the dashboard' : '', autocomplete: 'off' });
  openDialog({
    title: `Set the health of ${p.provider_id}`,
    hint: `Now ${p.health}${p.health_reason ? ` (${p.health_reason})` : ''}. A provider marked down is skipped by the next routing decision.`,
    fields: [field('Health', select), field('Reason (the node records it as "operator: …")', reason)],
    submit: async () => {
      const body = { health: select.value, reason: reason.value.trim() || undefined };
      await state.api.patch(`/v1/providers/${enc(p.provider_id)}`, json(body));
      return `${p.provider_id} is now ${select.value}.`;
    },
  });
}

function openPriceDialog(p) {
  const current = p.cost_model ?? {};
  const kinds = ['per-invocation', 'per-token'];
  if (current.kind === 'per-unit') kinds.push('per-unit');
  const kind = h('select', { id: 'price-kind', testid: 'price-kind' }, kinds.map((k) => h('option', { value: k, selected: k === current.kind }, k)));
  const value = (v) => (v === undefined || v === null ? '' : f.cents(v));
  const perCall = h('input', { id: 'price-per-invocation', testid: 'price-per-invocation', inputmode: 'decimal', value: value(current.cents_per_invocation), autocomplete: 'off' });
  const input = h('input', { id: 'price-input', testid: 'price-input', inputmode: 'decimal', value: value(current.input_cents_per_million_tokens), autocomplete: 'off' });
  const output = h('input', { id: 'price-output', testid: 'price-output', inputmode: 'decimal', value: value(current.output_cents_per_million_tokens), autocomplete: 'off' });
  const perUnit = h('input', { id: 'price-per-unit', testid: 'price-per-unit', inputmode: 'decimal', value: value(current.cents_per_unit), autocomplete: 'off' });
  const groups = {
    'per-invocation': [field('Cents per invocation', perCall)],
    'per-token': [field('Input cents per 1M tokens', input), field('Output cents per 1M tokens', output)],
    'per-unit': [field(`Cents per ${current.unit ?? 'unit'}`, perUnit)],
  };
  const holder = h('div', { class: 'fields' });
  const show = () => fill(holder, groups[kind.value]);
  kind.addEventListener('change', show);
  show();
  openDialog({
    title: `Update the price of ${p.provider_id}`,
    hint: `Now ${f.price(current)}. The next routing decision estimates with the new price; the change is kept in the price history.`,
    fields: [field('Cost model', kind), holder],
    submit: async () => {
      let model;
      const same = kind.value === current.kind;
      if (kind.value === 'per-invocation') {
        model = { kind: 'per-invocation', cents_per_invocation: decimal(perCall, 'Cents per invocation') };
      } else if (kind.value === 'per-token') {
        model = {
          kind: 'per-token',
          input_cents_per_million_tokens: decimal(input, 'Input price'),
          output_cents_per_million_tokens: decimal(output, 'Output price'),
          // Kept from the current model: the dialog changes the two prices only.
          cached_input_cents_per_million_tokens: same ? current.cached_input_cents_per_million_tokens : undefined,
          default_max_output_tokens: same ? current.default_max_output_tokens : undefined,
        };
      } else {
        model = { ...current, cents_per_unit: decimal(perUnit, 'Price per unit') };
      }
      await state.api.patch(`/v1/providers/${enc(p.provider_id)}`, json({ cost_model: model }));
      return `${p.provider_id}: ${f.price(JSON.parse(json(model)))}.`;
    },
  });
}

// ---------------------------------------------------------------- spend

function spendQuery(format) {
  const hours = Number($('#spend-range').value);
  const to = new Date();
  const from = new Date(to.getTime() - hours * 3_600_000);
  return `/v1/reports/spend?${new URLSearchParams({
    group_by: $('#spend-group').value, bucket: $('#spend-bucket').value, from: from.toISOString(), to: to.toISOString(), format,
  })}`;
}

async function loadSpend() {
  const rows = await state.api.get(spendQuery('json'));
  const hours = Number($('#spend-range').value);
  renderSpend(rows, hours);
}

function offsetOf(iso) {
  const m = /([+-])(\d\d):(\d\d)$/.exec(iso ?? '');
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

function renderSpend(rows, hours) {
  const group = $('#spend-group').value;
  const hourly = $('#spend-bucket').value === 'hour';
  const global = state.budgets.find((b) => b.scope === 'global')?.windows.find((w) => w.window === 'day');
  if (!changed('spend', rows, group, hourly, hours, global?.limit_cents ?? null, global?.projected_cents ?? null, Math.floor(Date.now() / 300_000))) return;

  // Every bucket of the range, empty ones too, aligned like the server's (its offset is in bucket_start).
  const offsetMinutes = offsetOf(rows[0]?.bucket_start);
  const stepMs = hourly ? 3_600_000 : 86_400_000;
  const shift = offsetMinutes * 60_000;
  const floor = (t) => Math.floor((t + shift) / stepMs) * stepMs - shift;
  const now = Date.now();
  const buckets = [];
  for (let t = floor(now - hours * 3_600_000); t <= now; t += stepMs) buckets.push(t);
  const projection = projectionOf(global, buckets, hourly, stepMs);

  const byKey = new Map();
  let spent = 0;
  let savedCents = 0;
  let invocations = 0;
  for (const row of rows) {
    const entry = byKey.get(row.key) ?? { key: row.key, spent: 0, saved: 0, invocations: 0, values: new Map() };
    const t = Date.parse(row.bucket_start);
    entry.values.set(t, (entry.values.get(t) ?? 0) + row.spent_cents);
    entry.spent += row.spent_cents;
    entry.saved += row.saved_cents;
    entry.invocations += row.invocations;
    byKey.set(row.key, entry);
    if (group !== 'scope') {
      spent += row.spent_cents;
      savedCents += row.saved_cents;
      invocations += row.invocations;
    }
  }
  const keys = [...byKey.values()].sort((a, b) => b.spent - a.spent || a.key.localeCompare(b.key));
  if (group === 'scope') {
    // Scope rows overlap (one charge counts under each scope of its chain); the totals are the global scope's or the widest.
    const widest = byKey.get('global') ?? keys[0];
    spent = widest?.spent ?? 0;
    savedCents = widest?.saved ?? 0;
    invocations = widest?.invocations ?? 0;
  }
  keys.forEach((k, i) => { k.color = PALETTE[i % PALETTE.length]; });

  // Ten colours at most: the rest are summed as "other".
  let series = keys.slice(0, 9);
  if (keys.length > 10) {
    const other = { key: `other (${keys.length - 9})`, color: PALETTE[9], values: new Map() };
    for (const k of keys.slice(9)) for (const [t, v] of k.values) other.values.set(t, (other.values.get(t) ?? 0) + v);
    series.push(other);
  } else {
    series = keys;
  }
  const stacked = group === 'scope' ? series.filter((x) => x.key === 'global').concat(series.filter((x) => x.key !== 'global')).slice(0, 1) : series;
  const limit = global ? (hourly ? { cents: global.limit_cents / 24, label: 'global daily limit ÷ 24' } : { cents: global.limit_cents, label: 'global daily limit' }) : null;
  fill($('#spend-chart'), spendChart({ buckets, series: stacked, limit, projection, hourly, offsetMinutes }));
  fill($('#spend-legend'), group === 'scope'
    ? [h('span', { class: 'muted' }, 'Stacked by scope, a charge counts once per scope of its chain, so the chart shows the widest scope; the table lists each.')]
    : series.map((x) => h('span', null, h('span', { class: 'swatch', style: { background: x.color } }), x.key)));

  $('#spend-total').textContent = f.cents(spent);
  $('#spend-saved').textContent = f.cents(savedCents);
  $('#spend-saved-share').textContent = spent + savedCents > 0 ? `${f.percent(savedCents / (spent + savedCents))} of what the calls would have cost` : '';
  $('#spend-invocations').textContent = f.number(invocations);
  $('#spend-limit').textContent = global ? f.cents(global.limit_cents) : '—';
  $('#spend-key-head').textContent = group[0].toUpperCase() + group.slice(1);
  fill($('#spend-keys'), keys.length === 0
    ? h('tr', null, h('td', { colspan: 5, class: 'empty' }, 'Nothing was charged in this range.'))
    : keys.map((k) => h('tr', { testid: 'spend-key', data: { key: k.key } },
      h('td', null, h('span', { class: 'swatch', style: { background: k.color } })),
      h('td', { class: 'mono' }, k.key),
      money(k.spent, 'spend-key-spent'),
      money(k.saved, 'spend-key-saved'),
      h('td', { class: 'num' }, f.number(k.invocations)))));
}

// The global day's forecast on the chart: hourly, its burn rate over the hours left until the reset (those buckets
// are added, empty); daily, today's projected total over today's bar. Nothing when it is not burning.
function projectionOf(day, buckets, hourly, stepMs) {
  if (!day || !(day.burn_rate_cents_per_hour > 0) || !day.resets_at || buckets.length === 0) return null;
  const current = buckets[buckets.length - 1];
  const reset = Date.parse(day.resets_at);
  const exhausts = day.exhausts_at ? `, limit reached ${new Date(day.exhausts_at).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}` : '';
  const label = `projected ${f.cents(day.projected_cents)}¢ today at ${f.cents(day.burn_rate_cents_per_hour)}¢/h${exhausts}`;
  if (!hourly) return { from: current, to: current, cents: day.projected_cents, label };
  for (let t = current + stepMs; t < reset; t += stepMs) buckets.push(t);
  return { from: current, to: buckets[buckets.length - 1], cents: day.burn_rate_cents_per_hour, label };
}

async function downloadCsv() {
  try {
    const csv = await state.api.text(spendQuery('csv'));
    const link = h('a', { href: URL.createObjectURL(new Blob([csv], { type: 'text/csv' })), download: `spend-${$('#spend-group').value}-${$('#spend-bucket').value}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
  } catch (e) {
    toast(`CSV download failed: ${e.message}`);
  }
}

// ---------------------------------------------------------------- runs

async function loadRuns() {
  const query = new URLSearchParams({ limit: String(RUN_PAGE + 1), offset: String(state.runPage * RUN_PAGE) });
  if ($('#run-status').value) query.set('status', $('#run-status').value);
  if ($('#run-pipeline').value.trim()) query.set('pipeline', $('#run-pipeline').value.trim());
  const [rows, detail] = await Promise.all([state.api.get(`/v1/runs?${query}`), state.runId ? loadRun(state.runId) : null]);
  // One more than a page tells whether there is a next one. An API key sees only its runs among each page the store
  // returns, so for a key a short page does not prove the end: it may page on until a page comes back empty.
  state.runHasNext = state.admin ? rows.length > RUN_PAGE : rows.length > 0;
  state.runs = rows.slice(0, RUN_PAGE);
  if (detail !== null) Object.assign(state, detail);
  renderRuns();
  renderRunDetail();
}

async function loadRun(id) {
  try {
    return { run: await state.api.get(`/v1/runs/${enc(id)}`), runMissing: false };
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return { run: null, runMissing: true };
    throw e;
  }
}

function runDuration(r) {
  if (!r.started_at) return null;
  const end = r.completed_at ? Date.parse(r.completed_at) : Date.now();
  return end - Date.parse(r.started_at);
}

function renderRuns() {
  $('#run-page').textContent = `Page ${state.runPage + 1} · runs ${f.number(state.runPage * RUN_PAGE + 1)}–${f.number(state.runPage * RUN_PAGE + state.runs.length)}`;
  $('#run-prev').disabled = state.runPage === 0;
  $('#run-next').disabled = !state.runHasNext;
  $('#run-empty').hidden = state.runs.length > 0;
  if (!changed('runs', state.runs, state.runId, minute())) return;
  fill($('#run-body'), state.runs.map((r) => h('tr', {
    testid: 'run-row', data: { runId: r.run_id, status: r.status }, class: r.run_id === state.runId ? 'selected' : null, tabindex: 0,
    on: {
      click: () => { location.hash = `#runs/${enc(r.run_id)}`; },
      keydown: (e) => { if (e.key === 'Enter') location.hash = `#runs/${enc(r.run_id)}`; },
    },
  },
  h('td', { class: 'mono', title: r.run_id }, f.shortId(r.run_id)),
  h('td', null, r.pipeline_id),
  h('td', null, pill(r.status)),
  money(r.total_cost_cents, 'run-total'),
  money(r.estimated_cost_cents, 'run-estimated'),
  h('td', { class: 'num' }, f.duration(runDuration(r))),
  h('td', { title: f.timestamp(r.created_at) }, f.relative(r.created_at)),
  h('td', { class: 'num' }, `${r.cache_hits} / ${r.cache_hits + r.cache_misses}`))));
}

function renderRunDetail() {
  const panel = $('#run-detail');
  if (!state.runId) {
    panel.hidden = true;
    state.drawn.detail = null;
    return;
  }
  const firstDraw = panel.hidden;
  panel.hidden = false;
  if (!changed('detail', state.runId, state.run, state.runMissing)) return;
  const close = h('button', { type: 'button', testid: 'run-detail-close', on: { click: () => { location.hash = '#runs'; } } }, 'Close');
  if (state.runMissing || !state.run) {
    fill(panel, h('div', { class: 'detail-head' }, h('h3', null, state.runMissing ? `Run ${state.runId} was not found (or this key may not see it).` : 'Loading…'), close));
    return;
  }
  const r = state.run;
  const fact = (term, value, testid) => h('div', null, h('dt', null, term), h('dd', { testid }, value));
  fill(panel,
    h('div', { class: 'detail-head' },
      h('div', null, h('h3', null, 'Run ', h('span', { class: 'mono', testid: 'detail-run-id' }, r.run_id), ' ', pill(r.status)),
        h('span', { class: 'muted' }, `pipeline ${r.pipeline_id} · scopes ${r.scopes.filter((x) => !x.startsWith('run:')).join(', ')}`)),
      close),
    r.error ? h('p', { class: 'run-error', testid: 'detail-error' }, `${r.error.code}: ${r.error.message}`) : null,
    r.queued_reason ? h('p', { class: 'run-error' }, `Queued: ${r.queued_reason}`) : null,
    h('dl', { class: 'facts' },
      fact('Total ¢', f.cents(r.total_cost_cents), 'detail-total'),
      fact('Estimated ¢', f.cents(r.estimated_cost_cents), 'detail-estimated'),
      fact('Run budget ¢', r.budget_limit_cents === undefined ? 'none' : f.cents(r.budget_limit_cents)),
      fact('Saved by cache ¢', f.cents(r.saved_by_cache_cents), 'detail-saved'),
      fact('Cache hits', `${r.cache_hits} of ${r.cache_hits + r.cache_misses}`),
      fact('Duration', f.duration(runDuration(r))),
      fact('Created', f.timestamp(r.created_at)),
      fact('Tokens', f.number(r.tokens_used)),
      fact('Invocations / retries', `${r.invocations_used} / ${r.retries_used}`)),
    h('h4', null, 'Steps'),
    h('div', { class: 'table-card' }, h('table', { class: 'data' },
      h('thead', null, h('tr', null, ['Step', 'Capability', 'Status', 'Provider', 'Estimated ¢', 'Actual ¢', 'Cache hit', 'Latency', 'Attempts', 'Tokens']
        .map((t, i) => h('th', { class: i >= 4 && i !== 6 ? 'num' : null }, t)))),
      h('tbody', null, r.steps.map((step) => h('tr', { testid: 'step-row', data: { step: step.name } },
        h('td', null, step.name),
        h('td', null, step.capability),
        h('td', null, pill(step.status)),
        h('td', { class: 'mono', testid: 'step-provider' }, step.provider_id ?? '—'),
        money(step.estimated_cents, 'step-estimated'),
        money(step.actual_cents, 'step-actual'),
        h('td', { testid: 'step-cache' }, step.cache_hit ? `yes (saved ${f.cents(step.saved_cents)}¢)` : 'no'),
        h('td', { class: 'num' }, f.duration(step.latency_ms)),
        h('td', { class: 'num' }, String(step.attempts)),
        h('td', { class: 'num' }, step.tokens ? `${f.number(step.tokens.input)} in / ${f.number(step.tokens.output)} out` : '—')))))),
    h('h4', null, 'Cost breakdown'),
    h('div', { class: 'breakdowns' },
      breakdown('By step', r.cost_by_step, r.total_cost_cents, 'step'),
      breakdown('By provider', r.cost_by_provider, r.total_cost_cents, 'provider'),
      breakdown('By capability', r.cost_by_capability, r.total_cost_cents, 'capability')),
    h('h4', null, 'Routing decisions'),
    h('div', { class: 'decisions' }, r.steps.filter((step) => step.decision).map(decisionCard)));
  if (firstDraw) panel.scrollIntoView({ block: 'start' });
}

function breakdown(title, costs, total, kind) {
  const entries = Object.entries(costs ?? {}).sort((a, b) => b[1] - a[1]);
  return h('div', { class: 'card table-card', testid: `breakdown-${kind}` },
    h('table', { class: 'data' },
      h('thead', null, h('tr', null, h('th', null, title), h('th', { class: 'num' }, '¢'), h('th', null, ''))),
      h('tbody', null, entries.length === 0
        ? h('tr', null, h('td', { colspan: 3, class: 'muted' }, 'nothing charged'))
        : entries.map(([key, value]) => h('tr', { testid: 'breakdown-row', data: { key } },
          h('td', { class: 'mono' }, key),
          money(value, 'breakdown-value'),
          h('td', { class: 'bar-col' }, h('div', { class: 'mini-bar', style: { width: `${total > 0 ? (value / total) * 100 : 0}%` } })))))));
}

function decisionCard(step) {
  const d = step.decision;
  return h('div', { class: 'decision', testid: 'decision', data: { step: step.name } },
    h('strong', null, step.name), ' ',
    h('span', { class: 'muted' }, `${d.capability} · prefer ${d.prefer} · budget ${d.budget_status}${d.status_scope ? ` (${d.status_scope})` : ''}`),
    h('ol', null, d.candidates.map((c) => {
      const chosen = c.provider_id === step.provider_id && !c.dropped;
      return h('li', { testid: 'candidate', class: c.dropped ? 'dropped-candidate' : null, data: { provider: c.provider_id } },
        h('span', { class: 'mono' }, c.provider_id), ' ',
        h('span', { class: 'muted' }, `tier ${c.tier} · quality ${c.quality} · ~${f.cents(c.estimated_cents)}¢`), ' ',
        chosen ? h('span', { class: 'badge chosen' }, 'chosen') : null,
        c.dropped ? h('span', { class: 'badge dropped', testid: 'candidate-dropped' }, `dropped: ${c.dropped}`) : null,
        !c.dropped && !chosen && c.rank ? h('span', { class: 'badge' }, `rank ${c.rank}`) : null,
        c.budget_limited ? h('span', { class: 'badge' }, 'budget-limited') : null);
    })),
    d.notes?.length ? h('ul', { class: 'notes', testid: 'decision-notes' }, d.notes.map((n) => h('li', null, n))) : null);
}

// ---------------------------------------------------------------- providers

function renderProviders() {
  const select = $('#provider-capability');
  const capabilities = [...new Set(state.providers.map((p) => p.capability))].sort();
  if (select.options.length - 1 !== capabilities.length) {
    const chosen = select.value;
    fill(select, h('option', { value: '' }, 'all'), capabilities.map((c) => h('option', { value: c, selected: c === chosen }, c)));
  }
  const capability = select.value;
  const health = $('#provider-health').value;
  const shown = state.providers.filter((p) => (!capability || p.capability === capability) && (!health || p.health === health));
  if (!changed('providers', shown, state.admin, minute())) return;
  const groups = Map.groupBy(shown, (p) => p.capability);
  fill($('#provider-groups'), [...groups.keys()].sort().map((cap) => h('section', { class: 'card provider-group table-card', testid: 'provider-group', data: { capability: cap } },
    h('h3', null, cap),
    h('table', { class: 'data providers' },
      h('thead', null, h('tr', null, ['Provider', 'Kind', 'Tier', 'Price', 'Cost model', 'Health', 'Latency (EWMA)', 'Error rate', 'Price age', '']
        .map((t, i) => h('th', { class: [6, 7].includes(i) ? 'num' : null }, t)))),
      h('tbody', null, groups.get(cap).map(providerRow))))));
}

function providerRow(p) {
  const age = f.ageDays(p.price_updated_at);
  return h('tr', { testid: 'provider-row', data: { provider: p.provider_id, health: p.health } },
    h('td', null, h('span', { class: 'mono' }, p.provider_id), p.model ? h('span', { class: 'health-reason' }, p.model) : null),
    h('td', null, `${p.kind}${p.local ? ' · local' : ''}`),
    h('td', null, String(p.tier)),
    h('td', { testid: 'provider-price' }, f.price(p.cost_model)),
    h('td', { testid: 'provider-cost-model' }, p.cost_model?.kind ?? '—'),
    h('td', { testid: 'provider-health' }, pill(p.health), p.health_reason ? h('span', { class: 'health-reason' }, p.health_reason) : null),
    h('td', { class: 'num' }, p.latency_ewma_ms ? f.duration(p.latency_ewma_ms) : '—'),
    h('td', { class: 'num' }, `${(Number(p.error_rate ?? 0) * 100).toFixed(1)} %`),
    h('td', { title: f.timestamp(p.price_updated_at) }, age === null ? '—' : `${age} d `,
      age !== null && age > STALE_DAYS ? h('span', { class: 'badge stale', testid: 'stale' }, 'stale') : null),
    h('td', { class: 'actions' }, state.admin ? [
      h('button', {
        type: 'button', class: ['small', p.health === 'down' ? null : 'danger'], testid: 'action', data: { action: 'health', provider: p.provider_id },
        on: { click: () => openHealthDialog(p) },
      }, p.health === 'down' ? 'Mark healthy' : 'Mark down'),
      h('button', {
        type: 'button', class: 'small', testid: 'action', data: { action: 'price', provider: p.provider_id },
        on: { click: () => openPriceDialog(p) },
      }, 'Edit price'),
    ] : null));
}

// ---------------------------------------------------------------- cluster

// Orleans' dashboard makes plain browser requests: trade the admin token for a cookie scoped to its path first.
async function openClusterDashboard() {
  try {
    await state.api.post('/v1/dashboard/cluster-session');
    window.open('/dashboard/cluster/', '_blank', 'noopener');
  } catch (error) {
    toast(error.message);
  }
}

function renderCluster() {
  $('#open-cluster-dashboard').hidden = !state.admin;
  const cluster = state.cluster ?? { nodes: [] };
  if (!changed('cluster', cluster, minute())) return;
  fill($('#node-body'), cluster.nodes.map((n) => h('tr', { testid: 'node-row', data: { node: n.node_id, status: n.status } },
    h('td', null, h('span', { class: 'mono' }, n.node_id), n.node_id === cluster.self ? [' ', h('span', { class: 'badge self' }, 'this node')] : null),
    h('td', { class: 'mono' }, n.address ?? '—'),
    h('td', { title: f.timestamp(n.started_at) }, `${f.timestamp(n.started_at)} (${f.relative(n.started_at)})`),
    h('td', { title: f.timestamp(n.last_heartbeat_at) }, f.relative(n.last_heartbeat_at)),
    h('td', null, pill(n.status)))));
}
