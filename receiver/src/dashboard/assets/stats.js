// The public page: draws the charts from /stats/data.json (the tables are already in the HTML).
import { drawChart } from './charts.js';

const OTHER = 'other';

async function main() {
  const response = await fetch('/stats/data.json', { headers: { Accept: 'application/json' } });
  if (!response.ok) return;
  const stats = await response.json();
  const days = stats.weeks.map((week) => week.weekStart);
  drawChart(document.getElementById('chart-weekly-active'), {
    days,
    xLabel: 'Week starting',
    series: [{ label: 'Active deployments', values: stats.weeks.map((week) => week.activeDeployments) }],
  });
  drawChart(document.getElementById('chart-weekly-versions'), {
    days,
    xLabel: 'Week starting',
    stacked: true,
    series: stats.cohorts.map((name) => ({
      label: name === OTHER ? 'Other versions' : name,
      values: stats.weeks.map((week) => (week.activeDeployments === null ? null : (week.deploymentsByVersion[name] ?? 0))),
    })),
  });
  drawChart(document.getElementById('chart-weekly-totals'), {
    days,
    xLabel: 'Week starting',
    series: stats.metrics.map(({ key, label }) => ({
      label,
      values: stats.weeks.map((week) => (week.totals === null ? null : week.totals[key])),
    })),
  });
  document.body.dataset.chartsReady = 'true';
}

main().catch(() => {
  document.body.dataset.chartsReady = 'failed';
});
