// One 8 MiB OTLP/JSON body (the default max_request_body_size) must not take the collector, the
// built CLI in a child process, more than BOUND above its peak resident set before the request.
// Measured with the kernel's own peak (VmHWM in /proc): Linux only.

import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { makeFixture, type Fixture } from '../testing/collector-fixture.js';
import { spawnCollector, useCollectorProcesses } from '../testing/collector-process.js';

const LIMIT = 8 * 1024 * 1024;
/** The stated bound (docs/benchmarks.md, Collector): growth of peak RSS per 8 MiB body. */
const BOUND = 4 * LIMIT;

let fixture: Fixture | undefined;

useCollectorProcesses(() => fixture?.cleanup());

const peakRss = (pid: number) => Number(/^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) * 1024;

function post(port: number, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/v1/metrics', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** `{"resourceMetrics":[[],[],…]}`: one JSON array per 3 bytes, the most a body can ask of JSON.parse. */
function nestedArrays(): Buffer {
  const head = '{"resourceMetrics":[';
  const tail = '[]]}';
  return Buffer.from(head + '[],'.repeat(Math.floor((LIMIT - head.length - tail.length) / 3)) + tail);
}

/** Valid catalog data points, as many as fit under the limit (or `maxPoints`). */
function validPoints(maxPoints = Number.POSITIVE_INFINITY): Buffer {
  const head = '{"resourceMetrics":[{"resource":{"attributes":[{"key":"service.version","value":{"stringValue":"1.0.0"}}]},"scopeMetrics":[{"scope":{"name":"m"},"metrics":[{"name":"lunadefend.tokenize.success","sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":[';
  const tail = ']}}]}]}]}';
  const parts: string[] = [];
  let size = head.length + tail.length;
  for (let i = 0; ; i++) {
    const p = `{"attributes":[{"key":"op","value":{"stringValue":"o${i}"}}],"startTimeUnixNano":"1796036400000000000","timeUnixNano":"1796036460000000000","asInt":"${i}"}`;
    if (size + p.length + 1 > LIMIT || i >= maxPoints) break;
    parts.push(p);
    size += p.length + 1;
  }
  return Buffer.from(head + parts.join(',') + tail);
}

describe('memory per JSON request', () => {
  it.each([
    ['8 MiB of nested empty arrays', nestedArrays, 413],
    ['8 MiB of valid data points', () => validPoints(), 413],
    // Nine JSON values a point: 9,000 points is just under the budget of one value per 96 bytes.
    ['the largest valid request accepted (9,000 points)', () => validPoints(9_000), 200],
  ] as const)('%s stays under 4x the body limit above the peak before it', async (_name, make, status) => {
    fixture = makeFixture();
    const proc = spawnCollector(['run', '--config', fixture.configPath], { LUNADEFEND_TELEMETRY: 'local' });
    const port = await proc.listening;
    const body = make();
    const pid = proc.child.pid ?? 0;
    const before = peakRss(pid);
    expect(await post(port, body)).toBe(status);
    const growth = peakRss(pid) - before;
    expect(growth).toBeLessThan(BOUND);
  }, 60_000);
});
