import { connect } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { IntakeRefusal } from '../model/reasons.js';
import { createOtlpHttpIntake, type OtlpHttpIntake } from './http-intake.js';

let intake: OtlpHttpIntake | undefined;
afterEach(async () => {
  await intake?.shutdown();
  intake = undefined;
});

describe('slow uploads', () => {
  it('answers 408 and closes a body that does not arrive within the request timeout, counting it', async () => {
    const refusals: IntakeRefusal[] = [];
    intake = createOtlpHttpIntake({
      endpoint: '127.0.0.1:0',
      maxRequestBodyBytes: 1024 * 1024,
      requestTimeoutMs: 1500,
      consumer: { consumeBatch: (batch) => batch.map(() => ({ kind: 'accepted', rejectedDataPoints: 0, errorMessage: '' })) },
      observer: { requestRefused: (reason) => refusals.push(reason) },
      logger: pino({ level: 'silent' }),
    });
    await intake.start();
    const { port } = intake.address();
    const socket = connect(port, '127.0.0.1');
    const started = performance.now();
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => undefined);
    // Headers, then a trickle of the promised body, a byte every 200 ms: it never completes.
    socket.write('POST /v1/metrics HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
    const drip = setInterval(() => socket.writable && socket.write(' '), 200);
    await closed;
    clearInterval(drip);
    const elapsedMs = performance.now() - started;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    // Node checks every second: the 300 s default would have kept the upload for minutes.
    expect(elapsedMs).toBeGreaterThanOrEqual(1400);
    expect(elapsedMs).toBeLessThan(15_000);
    expect(refusals).toEqual(['request_timeout']);
  }, 30_000);
});
