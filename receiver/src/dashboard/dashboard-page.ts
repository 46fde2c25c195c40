// The signed-in dashboard's shell. dashboard.js fills the charts and tables from the
// /dashboard/api endpoints and re-fetches when the date range, version filter or cohort changes.

import type { Cohort, PublicCohortRule } from '../stats/public-cohort.js';
import { chartSection } from './chart-section.js';
import { html, page } from './html.js';

export interface DashboardPageOptions {
  readonly from: string;
  readonly to: string;
  readonly cohort: Cohort;
  /** The rule the public-cohort checkbox applies, stated beside it. */
  readonly cohortRule: PublicCohortRule;
}

export function dashboardPage(options: DashboardPageOptions): string {
  return page({
    title: 'Fleet dashboard · LunaDefend Metrics',
    script: 'dashboard.js',
    charts: true,
    body: html`<header class="top">
<p class="brand">LunaDefend Metrics</p>
<nav aria-label="Site"><a href="/stats">Public stats</a></nav>
<form method="post" action="/dashboard/sign-out"><button type="submit">Sign out</button></form>
</header>
<main id="main">
<h1>Fleet dashboard</h1>
<form id="filters" class="filters" aria-describedby="filters-help">
<p id="filters-help" class="hint">Days are UTC. Flagged (implausible) reports are left out.</p>
<fieldset class="range">
<legend>Date range</legend>
<label for="from">From</label>
<input id="from" name="from" type="date" value="${options.from}" required>
<label for="to">To</label>
<input id="to" name="to" type="date" value="${options.to}" required>
</fieldset>
<fieldset class="versions">
<legend>Versions</legend>
<p class="hint">None ticked means all versions.</p>
<div id="version-options" class="version-options"></div>
</fieldset>
<fieldset class="cohort">
<legend>Deployments</legend>
<input id="cohort-public" name="cohort" type="checkbox" value="public"${options.cohort === 'public' ? html` checked` : ''}>
<label for="cohort-public">Public cohort only</label>
<p class="hint">As on /stats: only deployments whose reports arrived on at least ${options.cohortRule.minReceiptDays} different days in the ${options.cohortRule.historyDays} days before the week.</p>
</fieldset>
<button type="submit" id="apply">Apply</button>
</form>
<p id="status" class="status" role="status" aria-live="polite"></p>
${chartSection({
  id: 'active',
  title: 'Active deployments per day',
  description: 'Distinct stack ids with at least one counted report on the day.',
  caption: 'Active deployments per UTC day',
})}
${chartSection({
  id: 'versions',
  title: 'Version adoption',
  description:
    'Deployments per version per day, stacked. A deployment that upgraded during a day counts under both versions.',
  caption: 'Deployments per version per UTC day',
})}
${chartSection({
  id: 'totals',
  title: 'Operations per day',
  description: 'Sum of each counter over the day’s counted reports.',
  caption: 'Totals per metric per UTC day',
})}
${chartSection({
  id: 'failures',
  title: 'Failure rates',
  description: 'Failures divided by all attempts (success plus failure) of each operation; empty when there were none.',
  caption: 'Failure rate per operation per UTC day',
})}
<section class="deployments" aria-labelledby="heading-deployments">
<h2 id="heading-deployments">Deployments</h2>
<p class="description">Stack ids are random per deployment (pseudonymous); first and last seen are within the chosen range.</p>
<div class="table-wrap">
<table id="table-deployments">
<caption>Deployments seen in the range</caption>
<thead><tr><th scope="col">Stack id</th><th scope="col">Versions</th><th scope="col">First seen</th><th scope="col">Last seen</th></tr></thead>
<tbody></tbody>
</table>
</div>
<nav class="pager" aria-label="Deployments pages">
<button type="button" id="deployments-prev">Previous page</button>
<span id="deployments-position" aria-live="polite"></span>
<button type="button" id="deployments-next">Next page</button>
</nav>
</section>
</main>`,
  });
}
