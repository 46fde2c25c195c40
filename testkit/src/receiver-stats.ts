// Reads what a running receiver holds through its public interfaces: the stats API (admin bearer
// token) for per-metric totals, and its Prometheus /metrics for the reports it accepted since it
// started. The caller names the report keys to sum (the catalog's), so this package stays free of
// the product packages it starts.

const DAY_MS = 86_400_000;

export interface ReceiverTotals<K extends string> {
  /** Sum of every counted report over the day range, per metric. */
  readonly totals: Record<K, number>;
  /** Most distinct deployments seen on one day of the range. */
  readonly deployments: number;
  /** Days in the range with at least one counted report. */
  readonly days: number;
}

interface DailyStatsAnswer {
  days: { day: string; activeDeployments: number; totals: Partial<Record<string, number>> }[];
}

/** 'YYYY-MM-DD' of the UTC day containing `ms`. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Totals over the UTC days from yesterday to tomorrow, so windows around midnight are all included
 * (a report belongs to the day of its window start).
 */
export async function receiverTotals<K extends string>(baseUrl: string, adminToken: string, keys: readonly K[], nowMs = Date.now()): Promise<ReceiverTotals<K>> {
  const url = new URL('/v1/stats/daily', baseUrl);
  url.searchParams.set('from', utcDay(nowMs - DAY_MS));
  url.searchParams.set('to', utcDay(nowMs + DAY_MS));
  const response = await fetch(url, { headers: { authorization: `Bearer ${adminToken}` }, signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`GET /v1/stats/daily answered ${response.status}`);
  const answer = (await response.json()) as DailyStatsAnswer;
  const totals = Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
  for (const day of answer.days) {
    for (const key of keys) totals[key] += day.totals[key] ?? 0;
  }
  return { totals, deployments: Math.max(0, ...answer.days.map((d) => d.activeDeployments)), days: answer.days.length };
}

/** Value of a Prometheus counter without labels in a text exposition (0 when absent). */
export function prometheusValue(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.slice(name.length + 1));
}

/** Sum of a Prometheus counter over all its label sets. */
export function prometheusSum(text: string, name: string): number {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/** Reports the receiver accepted (new) and answered as duplicates since it started. */
export async function receiverReportCounts(baseUrl: string): Promise<{ accepted: number; duplicate: number }> {
  const response = await fetch(new URL('/metrics', baseUrl), { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  const text = await response.text();
  return {
    accepted: prometheusValue(text, 'lunadefend_receiver_reports_accepted_total'),
    duplicate: prometheusValue(text, 'lunadefend_receiver_reports_duplicate_total'),
  };
}
