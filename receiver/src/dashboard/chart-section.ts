// One chart and the accessible data table behind it. The chart is a picture for sighted users;
// the <table> (caption, column headers, row headers) carries the same numbers for everyone else
// and is what the tests read.

import { type Html, html } from './html.js';

export interface ChartSectionOptions {
  /** Suffix of the element ids: chart-<id>, table-<id>. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly caption: string;
  /** Pre-rendered table head and body (the public page renders on the server). */
  readonly head?: Html;
  readonly rows?: Html;
}

export function chartSection(options: ChartSectionOptions): Html {
  const { id } = options;
  return html`<section class="chart-section" aria-labelledby="heading-${id}">
<h2 id="heading-${id}">${options.title}</h2>
<p class="description">${options.description}</p>
<div class="chart" id="chart-${id}" role="img" aria-label="Chart: ${options.title}. The data table below lists the same values."></div>
<details>
<summary>Data table: ${options.title}</summary>
<div class="table-wrap">
<table id="table-${id}">
<caption>${options.caption}</caption>
<thead>${options.head ?? ''}</thead>
<tbody>${options.rows ?? ''}</tbody>
</table>
</div>
</details>
</section>`;
}
