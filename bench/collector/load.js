// The load generator: POSTs protobuf requests over keep-alive connections, either as fast as the
// server answers (a fixed number of requests in flight) or at a fixed rate, and counts the
// points the server acknowledged with 200.
import { Agent, request } from 'node:http';
import { POINTS_PER_REQUEST } from './payloads.js';

function post(agent, port, body) {
  return new Promise((resolve) => {
    const req = request(
      { agent, host: '127.0.0.1', port, method: 'POST', path: '/v1/metrics', headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** As fast as the server goes: `concurrency` requests in flight for `durationMs`. */
export async function runMaxRate({ port, payloads, concurrency, durationMs }) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let ok = 0;
  let failed = 0;
  const started = performance.now();
  const until = started + durationMs;
  const worker = async () => {
    while (performance.now() < until) {
      if ((await post(agent, port, payloads.next())) === 200) ok++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { pointsPerSecond: (ok * POINTS_PER_REQUEST) / seconds, failed };
}

/** A steady `pointsPerSecond` for `durationMs`, sampling the server's usage every `sampleMs`. */
export async function runSteadyRate({ server, payloads, pointsPerSecond, durationMs, sampleMs = 500 }) {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const requestsPerSecond = pointsPerSecond / POINTS_PER_REQUEST;
  let sent = 0;
  let ok = 0;
  let failed = 0;
  let inFlight = 0;
  const rss = [];
  const first = await server.usage();
  const started = performance.now();
  let nextSample = started + sampleMs;
  for (let now = started; now - started < durationMs; now = performance.now()) {
    const due = Math.floor(((now - started) / 1000) * requestsPerSecond);
    // Never pile up more than a second's worth: a server that falls behind shows in `achieved`.
    while (sent < due && inFlight < requestsPerSecond) {
      sent++;
      inFlight++;
      void post(agent, server.port, payloads.next()).then((status) => {
        inFlight--;
        if (status === 200) ok++;
        else failed++;
      });
    }
    if (now >= nextSample) {
      nextSample += sampleMs;
      rss.push((await server.usage()).rssBytes);
    }
    await sleep(2);
  }
  while (inFlight > 0) await sleep(5);
  const last = await server.usage();
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  const mib = (bytes) => bytes / 2 ** 20;
  return {
    achievedPointsPerSecond: (ok * POINTS_PER_REQUEST) / seconds,
    failed,
    cpuPercentOfOneCore: ((last.cpuMicros - first.cpuMicros) / 1e6 / seconds) * 100,
    // System time is mostly the kernel's side of fsync (the state commits each request durably).
    cpuSystemPercent: ((last.systemMicros - first.systemMicros) / 1e6 / seconds) * 100,
    rssMiBAvg: mib(rss.reduce((a, b) => a + b, 0) / Math.max(1, rss.length)),
    rssMiBMax: mib(Math.max(last.rssBytes, ...rss)),
  };
}
