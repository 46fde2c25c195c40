// Dashboard and public /stats request times on the one-year dataset of section 3 (owned by the
// dashboard, receiver/src/dashboard). Each figure is a whole HTTP request to an in-process
// receiver sharing the bench's PostgreSQL, signed in as a browser would be: routing, the storage's
// aggregated queries, and shaping the JSON or HTML.
import { randomBytes } from 'node:crypto';
import { createLogger, createReceiver } from '@lunadefend/receiver';

const RUNS = 5;

async function timeRequest(url, headers) {
  const times = [];
  let bytes = 0;
  let status = 0;
  for (let i = 0; i < RUNS; i += 1) {
    const t = performance.now();
    const res = await fetch(url, { headers });
    const body = await res.arrayBuffer();
    times.push(performance.now() - t);
    bytes = body.byteLength;
    status = res.status;
  }
  const first = times[0];
  times.sort((a, b) => a - b);
  return { first, median: times[Math.floor(RUNS / 2)], bytes, status };
}

export async function benchDashboard({ storage, yesterday, yearFrom, monthFrom, month, fleet, fmt }) {
  const token = randomBytes(24).toString('hex');
  const receiver = createReceiver({
    storage,
    config: { host: '127.0.0.1', port: 0, adminToken: token, clientRateLimit: undefined, stackRateLimit: undefined },
    retention: false,
    logger: createLogger({ level: 'silent' }),
  });
  const { url } = await receiver.start();
  try {
    // A browser's same-origin form POST: the receiver refuses a sign-in without Sec-Fetch-Site:
    // same-origin and an Origin naming the host it was sent to (receiver/src/dashboard/same-origin.ts).
    const signIn = await fetch(`${url}/dashboard/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url, 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams({ token }).toString(),
    });
    const cookie = (signIn.headers.getSetCookie()[0] ?? '').split(';')[0];
    if (signIn.status !== 303 || cookie === '') throw new Error(`dashboard sign-in failed: ${signIn.status}`);
    const auth = { cookie };
    const lastPage = Math.max(0, fleet - 50);
    const cases = [
      [`/dashboard/api/daily, ${month} days (the default view)`, `/dashboard/api/daily?from=${monthFrom}&to=${yesterday}`, auth],
      ['/dashboard/api/daily, 365 days', `/dashboard/api/daily?from=${yearFrom}&to=${yesterday}`, auth],
      [`/dashboard/api/daily, ${month} days, one version`, `/dashboard/api/daily?from=${monthFrom}&to=${yesterday}&versions=1.3.0`, auth],
      [`/dashboard/api/deployments, ${month} days, first page of 50`, `/dashboard/api/deployments?from=${monthFrom}&to=${yesterday}&limit=50`, auth],
      [`/dashboard/api/deployments, ${month} days, one version, first page`, `/dashboard/api/deployments?from=${monthFrom}&to=${yesterday}&versions=1.3.0&limit=50`, auth],
      [`/dashboard/api/deployments, ${month} days, last page`, `/dashboard/api/deployments?from=${monthFrom}&to=${yesterday}&limit=50&offset=${lastPage}`, auth],
      ['/stats (52 weeks; first request fills the cache)', '/stats', {}],
      ['/stats/data.json', '/stats/data.json', {}],
    ];
    console.log(`\n## 3b. Dashboard and /stats requests on the same data (HTTP, in-process receiver; median of ${RUNS}, and the first request)`);
    console.log('| request | median ms | first ms | response bytes |');
    console.log('| --- | ---: | ---: | ---: |');
    for (const [label, path, headers] of cases) {
      const r = await timeRequest(`${url}${path}`, headers);
      if (r.status !== 200) {
        console.log(`MISMATCH: ${path} answered ${r.status}`);
        process.exitCode = 1;
      }
      console.log(`| ${label} | ${fmt(r.median, 1)} | ${fmt(r.first, 1)} | ${r.bytes.toLocaleString('en-US')} |`);
    }
  } finally {
    await receiver.shutdown();
  }
}
