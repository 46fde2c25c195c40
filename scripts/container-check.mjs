// Builds the image and runs the compose services from it with `docker run` — the same commands and
// variables as docker-compose.yml, the collector in the tokenizer's network namespace — sends a
// few requests to the tokenizer and waits until the receiver has stored a report, then prints it.
// Differences from compose, printed as it runs: windows of seconds, and the receiver on SQLite
// (PostgreSQL's image may not be reachable). Use: `scripts/container-check [--keep]`.

import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
const keep = process.argv.includes('--keep');
const WINDOW = '10s';
const say = (line) => console.log(`container-check: ${line}`);
const fail = (line, code = 1) => {
  console.error(`container-check: ${line}`);
  process.exit(code);
};
const docker = (args, options = {}) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options }).trim();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const engine = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' });
if (engine.error !== undefined || engine.status !== 0) {
  fail(`no Docker engine is reachable (${(engine.error?.message ?? engine.stderr).trim().split('\n')[0]}); start one (e.g. \`sudo dockerd &\`) and run this again`, 2);
}
say(`Docker engine ${engine.stdout.trim()}`);

const compose = parse(readFileSync(`${root}docker-compose.yml`, 'utf8'), { merge: true });
const image = compose.services.receiver.image;
const base = /^FROM (node:\S+)/m.exec(readFileSync(`${root}Dockerfile`, 'utf8'))[1];
if (spawnSync('docker', ['image', 'inspect', base], { stdio: 'ignore' }).status !== 0) {
  fail(`the base image ${base} is not present, and no image registry may be reachable: build it locally with \`sudo scripts/make-base-image\` (see the README)`, 2);
}

say(`building ${image} from the Dockerfile (base ${base})`);
const build = spawnSync('docker', ['build', '--network', 'host', '-t', image, root], { stdio: ['ignore', 'inherit', 'inherit'] });
if (build.status !== 0) fail('docker build failed');

const name = `lunadefend-check-${randomBytes(3).toString('hex')}`;
const adminToken = randomBytes(24).toString('hex');
const composeDefault = (value) => String(value).replace(/\$\{[A-Z_]+(?::-([^}]*)|:\?[^}]*)?\}/g, (_m, fallback) => fallback ?? '');
const envArgs = (service, overrides) => {
  const env = { ...Object.fromEntries(Object.entries(compose.services[service].environment ?? {}).map(([k, v]) => [k, composeDefault(v)])), ...overrides };
  return Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
};
const created = [];
const cleanup = () => {
  if (keep) return say(`--keep: containers ${created.join(', ')} are still running`);
  for (const container of created.reverse()) spawnSync('docker', ['rm', '-f', container], { stdio: 'ignore' });
  spawnSync('docker', ['network', 'rm', name], { stdio: 'ignore' });
  spawnSync('docker', ['volume', 'rm', `${name}-state`], { stdio: 'ignore' });
};
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

const run = (service, args) => {
  const container = `${name}-${service}`;
  docker(['run', '-d', '--name', container, ...args, image, ...compose.services[service].command]);
  created.push(container);
  return container;
};
const healthy = async (service, container) => {
  const [form, ...test] = compose.services[service].healthcheck.test;
  if (form !== 'CMD') fail(`${service}: only CMD health checks are run here`);
  for (let i = 0; i < 60; i++) {
    if (spawnSync('docker', ['exec', container, ...test], { stdio: 'ignore' }).status === 0) return say(`${service} answers its health check`);
    await sleep(500);
  }
  console.error(docker(['logs', '--tail', '30', container], { stdio: ['ignore', 'pipe', 'pipe'] }));
  fail(`${service} never answered its health check`);
};
const inside = (container, script) => docker(['exec', container, 'node', '-e', script]);

docker(['network', 'create', name]);
say(`receiver: ${compose.services.receiver.command.join(' ')} (SQLite instead of PostgreSQL, LUNADEFEND_WINDOW=${WINDOW})`);
const receiver = run('receiver', ['--network', name, '--network-alias', 'receiver', ...envArgs('receiver', {
  DATABASE_URL: 'sqlite:/app/data/receiver.db', LUNADEFEND_ADMIN_TOKEN: adminToken, LUNADEFEND_WINDOW: WINDOW,
})]);
await healthy('receiver', receiver);
say(`tokenizer: ${compose.services.tokenizer.command.join(' ')}`);
const tokenizer = run('tokenizer', ['--network', name, ...envArgs('tokenizer', { OTEL_METRIC_EXPORT_INTERVAL: '2000' })]);
await healthy('tokenizer', tokenizer);
say(`collector: ${compose.services.collector.command.join(' ')} (in the tokenizer's network namespace, LUNADEFEND_WINDOW=${WINDOW})`);
const collector = run('collector', ['--network', `container:${tokenizer}`, '-v', `${name}-state:/var/lib/lunadefend`, ...envArgs('collector', {
  LUNADEFEND_WINDOW: WINDOW, LUNADEFEND_SEND_JITTER: '0s',
})]);
await healthy('collector', collector);

say('sending 5 tokenize requests to the tokenizer');
inside(tokenizer, `(async () => { for (let i = 0; i < 5; i++) { const r = await fetch('http://127.0.0.1:3000/tokenize', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: 'check-' + i }) }); if (!r.ok) process.exit(1); } })()`);

say('waiting for a report to reach the receiver (one window, then the send)');
const day = (ms) => new Date(ms).toISOString().slice(0, 10);
const statsScript = `fetch('http://127.0.0.1:8080/v1/stats/daily?from=${day(Date.now() - 86_400_000)}&to=${day(Date.now() + 86_400_000)}', { headers: { authorization: 'Bearer ${adminToken}' } }).then((r) => r.text()).then((t) => process.stdout.write(t))`;
for (let i = 0; i < 120; i++) {
  const stats = JSON.parse(inside(receiver, statsScript));
  const total = stats.days.reduce((sum, d) => sum + (d.totals.tokenizeSuccess ?? 0), 0);
  if (total >= 5) {
    say('the collector sent (lunadefend-collector ledger --json, in the collector container):');
    const ledger = JSON.parse(docker(['exec', collector, 'node', 'processor/dist/main.js', 'ledger', '--json', '--config', 'otel-collector.yaml']));
    for (const row of ledger) console.log(`  ${row.deliveredAt} ${row.outcome} HTTP ${row.httpStatus}: ${row.body}`);
    say('the receiver counted (GET /v1/stats/daily):');
    for (const d of stats.days) console.log(`  ${d.day}: ${JSON.stringify(d.totals)} from ${d.activeDeployments} deployment(s)`);
    say('OK: the image starts, and a report went tokenizer → collector → receiver');
    process.exit(0);
  }
  await sleep(1000);
}
console.error(docker(['logs', '--tail', '30', collector], { stdio: ['ignore', 'pipe', 'pipe'] }));
fail('no report reached the receiver within 2 minutes');
