// The public /stats page. Its tables are rendered here, so the figures read without JavaScript;
// stats.js draws the charts from /stats/data.json, the same protected figures. Nothing on this
// page is per deployment: no stack id exists anywhere in its HTML, data or scripts.

import { REPORT_KEYS } from '@lunadefend/config';
import { chartSection } from './chart-section.js';
import { type Html, html, page } from './html.js';
import { METRIC_LABELS } from './metric-labels.js';
import { OTHER_COHORT } from '../privacy/public-release.js';
import type { PublicStats } from './public-stats-source.js';

const count = (value: number): string => value.toLocaleString('en-US');

export function statsPage(stats: PublicStats): string {
  const k = stats.minCohort;
  const p = stats.privacy;
  const withheld = html`<td class="withheld">withheld</td>`;
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
<p class="lead">Weekly figures for ${stats.weeks.length} complete ISO weeks (UTC)${stats.from === null ? '' : html`, ${stats.from} to ${stats.to}`},
from the anonymous daily reports deployments choose to send. A week is published once no late report
can change it any more, and then never changes.</p>
<section class="privacy" aria-labelledby="privacy-title">
<h2 id="privacy-title">How these numbers protect each deployment</h2>
<ul>
<li>Every number is released with random noise from the ${p.mechanism} mechanism (exact integer sampling),
so that it is <strong>ε = ${p.epsilonPerNumber}</strong> differentially private for any one deployment;
a week publishes ${p.numbersPerWeek} such numbers, <strong>ε = ${p.epsilonPerWeek} per week</strong> in all${p.delta > 0 ? html`,
and δ = ${p.delta} for naming versions` : ''}. Each number's noise is drawn once: reloading shows the same value.</li>
<li>With ${Math.round(p.marginConfidence * 100)}% confidence a published number is within ±${count(p.margins.activeDeployments)}
(deployments, per version: ±${count(p.margins.versionCount)}) of the true one; totals within the margins in the table below.</li>
<li>Each deployment counts under one version per week (the one it ran last). A version is named only when its noisy
count reaches ${count(p.versionThreshold)}; the rest are “Other versions”. A week whose noisy count of deployments is below ${k}
is withheld.</li>
<li>A deployment's counters count at most ${METRIC_LABELS.map((m, i) => html`${i === 0 ? '' : ', '}${count(p.clampPerDay[m.key as keyof typeof p.clampPerDay])} (${m.label})`)} per day.</li>
<li>A deployment counts only once its reports have reached the vendor on at least ${stats.cohortRule.minReceiptDays} different days
in the ${stats.cohortRule.historyDays} days before the week, so a burst of made-up reports cannot fill a cohort.</li>
</ul>
</section>
${chartSection({
  id: 'weekly-active',
  title: 'Active deployments per week',
  description: 'Distinct qualifying deployments that sent at least one report in the week, with noise.',
  caption: 'Active deployments per ISO week',
  head: head(['Active deployments']),
  rows: rows((week) => (week.activeDeployments === null ? withheld : html`<td>${count(week.activeDeployments)}</td>`)),
})}
${chartSection({
  id: 'weekly-versions',
  title: 'Deployments per version',
  description: `Versions whose noisy count reaches ${count(p.versionThreshold)}; the rest are counted together as “Other versions”.`,
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
  description: `Sum of each counter over all deployments’ reports in the week, with noise; margins (${Math.round(p.marginConfidence * 100)}%): ${METRIC_LABELS.map((m) => `${m.label} ±${count(p.margins.totals[m.key as keyof typeof p.margins.totals])}`).join(', ')}.`,
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
