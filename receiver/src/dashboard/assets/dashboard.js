// The signed-in dashboard: reads the filter form, fetches /dashboard/api/*, draws the charts and
// fills their data tables. The URL keeps the filter so a reload or a shared link shows the same view.
// The public-cohort box applies at once; it filters the figures, not the deployments list.
import { drawChart, fillTable, formatCount, formatRate } from './charts.js';

const PAGE_SIZE = 50;
const $ = (id) => document.getElementById(id);
const form = $('filters');
const status = $('status');
const state = { from: '', to: '', versions: [], cohort: 'all', offset: 0, generation: 0 };

function readForm() {
  state.from = $('from').value;
  state.to = $('to').value;
  state.versions = [...form.querySelectorAll('input[name="version"]:checked')].map((box) => box.value);
  state.cohort = $('cohort-public').checked ? 'public' : 'all';
  state.offset = 0;
}

function query(extra = {}) {
  const params = new URLSearchParams({ from: state.from, to: state.to });
  if (state.versions.length > 0) params.set('versions', state.versions.join(','));
  for (const [key, value] of Object.entries(extra)) params.set(key, String(value));
  return params;
}

async function getJson(path, params) {
  const response = await fetch(`${path}?${params}`, { headers: { Accept: 'application/json' } });
  if (response.status === 401) {
    window.location.assign('/dashboard/sign-in');
    throw new Error('Your session has ended; sign in again.');
  }
  const body = await response.json();
  if (!response.ok) {
    const details = (body.details ?? []).map((d) => d.message ?? String(d)).join('; ');
    throw new Error(details === '' ? body.message : details);
  }
  return body;
}

function renderVersionOptions(available, selected) {
  const container = $('version-options');
  const versions = [...new Set([...available, ...selected])];
  container.replaceChildren(
    ...versions.map((version, i) => {
      const wrapper = document.createElement('div');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.name = 'version';
      box.value = version;
      box.id = `version-${i}`;
      box.checked = selected.includes(version);
      const label = document.createElement('label');
      label.htmlFor = box.id;
      label.textContent = version;
      wrapper.append(box, label);
      return wrapper;
    }),
  );
  if (versions.length === 0) container.textContent = 'No versions reported in this range.';
}

function renderDaily(data) {
  const { days } = data;
  drawChart($('chart-active'), {
    days,
    series: [{ label: 'Active deployments', values: data.activeDeployments }],
  });
  fillTable($('table-active'), ['Day', 'Active deployments'], days.map((day, i) => [day, formatCount(data.activeDeployments[i])]));

  drawChart($('chart-versions'), {
    days,
    stacked: true,
    series: data.versions.map((version) => ({ label: version, values: data.deploymentsByVersion[version] })),
  });
  fillTable(
    $('table-versions'),
    ['Day', ...data.versions],
    days.map((day, i) => [day, ...data.versions.map((v) => formatCount(data.deploymentsByVersion[v][i]))]),
  );

  drawChart($('chart-totals'), {
    days,
    series: data.metrics.map((m) => ({ label: m.label, values: data.totals[m.key] })),
  });
  fillTable(
    $('table-totals'),
    ['Day', ...data.metrics.map((m) => m.label)],
    days.map((day, i) => [day, ...data.metrics.map((m) => formatCount(data.totals[m.key][i]))]),
  );

  const labels = Object.fromEntries(data.operations.map((op) => [op.name, op.label]));
  drawChart($('chart-failures'), {
    days,
    format: formatRate,
    minTop: 0.01,
    series: data.failureRates.map((f) => ({ label: `${labels[f.operation]} failure rate`, values: f.rates })),
  });
  fillTable(
    $('table-failures'),
    ['Day', ...data.failureRates.map((f) => `${labels[f.operation]} failure rate`)],
    days.map((day, i) => [day, ...data.failureRates.map((f) => formatRate(f.rates[i]))]),
  );
}

async function loadDeployments() {
  const page = await getJson('/dashboard/api/deployments', query({ limit: PAGE_SIZE, offset: state.offset }));
  fillTable(
    $('table-deployments'),
    ['Stack id', 'Versions', 'First seen', 'Last seen'],
    page.deployments.map((d) => [d.stackId, d.versions.join(', '), d.firstSeen, d.lastSeen]),
  );
  const first = page.total === 0 ? 0 : page.offset + 1;
  const last = page.offset + page.deployments.length;
  $('deployments-position').textContent = `${first}–${last} of ${formatCount(page.total)}`;
  $('deployments-prev').disabled = page.offset === 0;
  $('deployments-next').disabled = last >= page.total;
}

async function load(what) {
  const generation = ++state.generation;
  status.dataset.state = 'loading';
  status.textContent = 'Loading…';
  try {
    if (what === 'all') {
      const filter = state.cohort === 'public' ? { cohort: 'public' } : {};
      const data = await getJson('/dashboard/api/daily', query(filter));
      if (generation !== state.generation) return;
      renderVersionOptions(data.availableVersions, data.selectedVersions);
      renderDaily(data);
      window.history.replaceState(null, '', `/dashboard?${query(filter)}`);
    }
    await loadDeployments();
    if (generation !== state.generation) return;
    const versions = state.versions.length === 0 ? 'all versions' : `versions ${state.versions.join(', ')}`;
    const cohort = state.cohort === 'public' ? ', public cohort only' : '';
    status.textContent = `Showing ${state.from} to ${state.to}, ${versions}${cohort}.`;
    status.dataset.state = 'ready';
    status.dataset.generation = String(generation);
  } catch (error) {
    if (generation !== state.generation) return;
    status.textContent = `Could not load the figures: ${error.message}`;
    status.dataset.state = 'error';
    status.dataset.generation = String(generation);
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  readForm();
  void load('all');
});
$('cohort-public').addEventListener('change', () => {
  readForm();
  void load('all');
});
$('deployments-prev').addEventListener('click', () => {
  state.offset = Math.max(0, state.offset - PAGE_SIZE);
  void load('deployments');
});
$('deployments-next').addEventListener('click', () => {
  state.offset += PAGE_SIZE;
  void load('deployments');
});

// The first view comes from the URL (the server already put from/to into the inputs).
const initial = new URLSearchParams(window.location.search).get('versions');
state.from = $('from').value;
state.to = $('to').value;
state.versions = initial ? initial.split(',').filter((v) => v !== '') : [];
state.cohort = $('cohort-public').checked ? 'public' : 'all';
void load('all');
