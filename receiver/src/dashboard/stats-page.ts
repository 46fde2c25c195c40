// The public /stats page. Its tables are rendered here, so the figures read without JavaScript;
// stats.js draws the charts from /stats/data.json, the same protected figures. Nothing on this
// page is per deployment: no stack id exists anywhere in its HTML, data or scripts.

import { REPORT_KEYS } from '@lunadefend/config';
import { chartSection } from './chart-section.js';
import { type Html, html, page } from './html.js';
import { METRIC_LABELS } from './metric-labels.js';
import { OTHER_COHORT } from './public-cohorts.js';
import type { PublicStats } from './public-stats-source.js';

const count = (value: number): string => value.toLocaleString('en-US');

export function statsPage(stats: PublicStats): string {
  const k = stats.minCohort;
  const withheld = html`<td class="withheld">fewer than ${k}</td>`;
  const head = (columns: string[]): Html =>
    html`<tr><th scope="col">Week starting</th>${columns.map((c) => html`<th scope="col">${c}</th>`)}</tr>`;
  const rows = (cells: (week: PublicStats['weeks'][number]) => Html): Html =>
    html`${stats.weeks.map((week) => html`<tr><th scope="row">${week.weekStart}</th>${cells(week)}</tr>`)}`;
  const cohortLabel = (name: string): string => (name === OTHER_COHORT ? `Other versions` : name);

  return page({
    title: 'Public usage statistics · LunaDefend',
    script: 'stats.js',
    charts: true,
    body: html`<header class="top"><p class="brand">LunaDefend Metrics</p></header>
<main id="main">
<h1>LunaDefend in use: public statistics</h1>
<p class="lead">Weekly figures for the last ${stats.weeks.length} complete weeks (ISO weeks, UTC),
${stats.from} to ${stats.to}, from the anonymous daily reports deployments choose to send.
A version run by fewer than ${k} deployments in a week is never shown on its own: it is counted under
“Other versions”, and smaller versions are merged further until that group holds at least ${k}
deployments. A week with fewer than ${k} active deployments is withheld.</p>
${chartSection({
  id: 'weekly-active',
  title: 'Active deployments per week',
  description: 'Distinct deployments that sent at least one report in the week.',
  caption: 'Active deployments per ISO week',
  head: head(['Active deployments']),
  rows: rows((week) => (week.activeDeployments === null ? withheld : html`<td>${count(week.activeDeployments)}</td>`)),
})}
${chartSection({
  id: 'weekly-versions',
  title: 'Deployments per version',
  description: `Versions with at least ${k} deployments in the week; the rest are counted together as “Other versions”.`,
  caption: 'Deployments per version per ISO week',
  head: head(stats.cohorts.map(cohortLabel)),
  rows: rows((week) =>
    week.activeDeployments === null
      ? html`${stats.cohorts.map(() => withheld)}`
      : html`${stats.cohorts.map((name) => html`<td>${count(week.deploymentsByVersion[name] ?? 0)}</td>`)}`,
  ),
})}
${chartSection({
  id: 'weekly-totals',
  title: 'Operations per week',
  description: 'Sum of each counter over all deployments’ reports in the week.',
  caption: 'Totals per metric per ISO week',
  head: head(METRIC_LABELS.map((m) => m.label)),
  rows: rows((week) =>
    week.totals === null
      ? html`${REPORT_KEYS.map(() => withheld)}`
      : html`${REPORT_KEYS.map((key) => html`<td>${count(week.totals?.[key] ?? 0)}</td>`)}`,
  ),
})}
<p class="hint">The same figures as JSON: <a href="/stats/data.json">/stats/data.json</a>.</p>
</main>`,
  });
}
