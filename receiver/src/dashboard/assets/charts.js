// Shared by the dashboard and the public page: uPlot charts over UTC days and the data tables
// behind them. Tables are built with DOM calls (textContent only), never from HTML strings.
import uPlot from './vendor/uPlot.esm.js';

// Okabe–Ito palette: distinguishable with the common forms of colour blindness.
export const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000'];

const plots = new WeakMap();
const resizeObserver = new ResizeObserver((entries) => {
  for (const entry of entries) {
    const plot = plots.get(entry.target);
    const width = Math.floor(entry.contentRect.width);
    if (plot !== undefined && width > 0 && width !== plot.width) plot.setSize({ width, height: plot.height });
  }
});

export const formatCount = (value) => (value === null || value === undefined ? '—' : value.toLocaleString('en-US'));
export const formatRate = (value) => (value === null || value === undefined ? '—' : `${(value * 100).toFixed(2)}%`);

const DAY_S = 86_400;
// Tick spacing in whole days only: the data is per UTC day (or week), so hour ticks would lie.
const DAY_INCREMENTS = [1, 2, 7, 14, 28, 91, 182, 364].map((days) => days * DAY_S);
const yearOf = (seconds) => new Date(seconds * 1000).getUTCFullYear();
// "Nov 17", with the year on a second line at the first tick and wherever the year changes.
const tickLabels = (ticks) =>
  ticks.map((seconds, i) => {
    const label = new Date(seconds * 1000).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
    return i === 0 || yearOf(seconds) !== yearOf(ticks[i - 1]) ? `${label}\n${yearOf(seconds)}` : label;
  });
const dayToSeconds = (day) => Date.parse(`${day}T00:00:00Z`) / 1000;
const secondsToDay = (seconds) => new Date(seconds * 1000).toISOString().slice(0, 10);

/**
 * Draws (or redraws) a time chart in `container`.
 * series: [{ label, values: (number|null)[] }]; stacked: each series is drawn on top of the
 * previous ones (the legend and the tooltip still show each series' own value); a null stays a
 * gap. minTop: the y axis reaches at least this value, so a flat zero line does not fill the chart.
 */
export function drawChart(container, { days, series, stacked = false, format = formatCount, xLabel = 'Day', minTop = 1 }) {
  plots.get(container)?.destroy();
  container.textContent = '';
  const colors = series.map((_, i) => PALETTE[i % PALETTE.length]);
  container.dataset.seriesColors = colors.join(' ');

  let columns = series.map((s) => s.values);
  let order = series.map((_, i) => i);
  if (stacked) {
    const running = days.map(() => 0);
    columns = series.map((s) => s.values.map((v, i) => (v === null ? null : (running[i] += v))));
    // uPlot paints series in order: the tallest (top) layer first, each filled down to zero, so
    // every lower layer is painted over it and each band shows one series.
    order = order.reverse();
  }

  const width = Math.max(320, Math.floor(container.clientWidth));
  const plot = new uPlot(
    {
      width,
      height: 280,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(minTop, max) * 1.05] } },
      axes: [
        {
          stroke: '#333',
          grid: { stroke: '#e5e5e5' },
          incrs: DAY_INCREMENTS,
          values: (_u, ticks) => tickLabels(ticks),
        },
        { stroke: '#333', grid: { stroke: '#e5e5e5' }, size: 70, values: (_u, ticks) => ticks.map((t) => format(t)) },
      ],
      cursor: { points: { size: 6 } },
      series: [
        { label: xLabel, value: (_u, ts) => (ts === null ? '' : secondsToDay(ts)) },
        ...order.map((i) => ({
          label: series[i].label,
          stroke: colors[i],
          width: 2,
          fill: stacked ? colors[i] : undefined,
          points: { show: days.length < 60 },
          value: (_u, _raw, _s, idx) => (idx === null ? '' : format(series[i].values[idx])),
        })),
      ],
    },
    [days.map(dayToSeconds), ...order.map((i) => columns[i])],
    container,
  );
  plots.set(container, plot);
  resizeObserver.observe(container);
  return plot;
}

/** Replaces a table's head and body: headers are column titles; each row is [row header, ...cells]. */
export function fillTable(table, headers, rows) {
  const head = document.createElement('tr');
  for (const title of headers) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = title;
    head.append(th);
  }
  table.tHead.replaceChildren(head);
  const body = table.tBodies[0];
  body.replaceChildren(
    ...rows.map(([rowHeader, ...cells]) => {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = rowHeader;
      tr.append(th);
      for (const cell of cells) {
        const td = document.createElement('td');
        td.textContent = cell;
        tr.append(td);
      }
      return tr;
    }),
  );
}
