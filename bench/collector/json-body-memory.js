// Peak memory of the collector for one large OTLP/JSON body: the real collector (`lunadefend-
// collector run`, in a child process) gets one 8 MiB body (the default max_request_body_size) and
// we read its peak resident set (VmHWM, Linux) before and after. Bodies: nested empty arrays (the
// worst a client can send per byte), and a valid request of catalog data points of the same size.
// Run: node bench/collector/json-body-memory.js after `npx tsc -b processor` (Linux only).
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { startCollector } from './servers.js';

const LIMIT = 8 * 1024 * 1024;

/** `{"resourceMetrics":[[],[],…]}` just under the limit: one array per 3 bytes. */
export function nestedArraysBody(limit = LIMIT) {
  const head = '{"resourceMetrics":[';
  const tail = '[]]}';
  const n = Math.floor((limit - head.length - tail.length) / 3);
  return Buffer.from(head + '[],'.repeat(n) + tail);
}

/** A valid request of cumulative catalog points, each with one attribute, just under the limit. */
export function validPointsBody(limit = LIMIT, maxPoints = Number.POSITIVE_INFINITY) {
  const point = (i) => `{"attributes":[{"key":"op","value":{"stringValue":"o${i}"}}],"startTimeUnixNano":"1796036400000000000","timeUnixNano":"1796036460000000000","asInt":"${i}"}`;
  const head = '{"resourceMetrics":[{"resource":{"attributes":[{"key":"service.version","value":{"stringValue":"1.0.0"}}]},"scopeMetrics":[{"scope":{"name":"b"},"metrics":[{"name":"lunadefend.tokenize.success","sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":[';
  const tail = ']}}]}]}]}';
  const parts = [];
  let size = head.length + tail.length;
  for (let i = 0; ; i++) {
    const p = point(i);
    if (size + p.length + 1 > limit || i >= maxPoints) break;
    parts.push(p);
    size += p.length + 1;
  }
  return Buffer.from(head + parts.join(',') + tail);
}

/** Peak resident set of a process, in bytes (Linux /proc). */
export function peakRssBytes(pid) {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? Number.NaN : Number(match[1]) * 1024;
}

export function post(port, body) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/v1/metrics', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const mb = (n) => (n / 1024 / 1024).toFixed(1);
  const bodies = [
    ['nested empty arrays', () => nestedArraysBody()],
    ['valid data points', () => validPointsBody()],
    ['9,000 valid data points (the largest accepted)', () => validPointsBody(LIMIT, 9_000)],
  ];
  for (const [name, make] of bodies) {
    const body = make();
    const collector = await startCollector();
    try {
      const pid = collector.pid;
      const before = peakRssBytes(pid);
      const status = await post(collector.port, body);
      const after = peakRssBytes(pid);
      console.log(`${name}: ${mb(body.length)} MiB body → HTTP ${status}; peak RSS ${mb(before)} → ${mb(after)} MiB (+${mb(after - before)} MiB, ${((after - before) / LIMIT).toFixed(2)}x the body limit)`);
    } finally {
      await collector.stop();
    }
  }
}
