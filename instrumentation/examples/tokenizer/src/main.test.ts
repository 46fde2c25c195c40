// The tokenizer as a process, the way the end-to-end tests and the demo run it: PORT=0, the
// port read from its one stdout line, SIGTERM at the end. Its final export (made by shutdown)
// must hold exactly the operations performed.

import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ENTRY_POINTS,
  cleanEnv,
  listeningPort,
  resourceAttributesOf,
  spawnService,
  startOtlpCapture,
  stopAllServices,
  totalsOf,
  type OtlpCapture,
  type ServiceProcess,
} from '@lunadefend/testkit';

const STACK_ID = '0b9f5f0e-6c1e-4f57-9a8e-2f1d8a4b7c11';

interface Running {
  readonly service: ServiceProcess;
  readonly base: string;
  /** Its stdout alone (the launcher's lines mix in stderr). */
  stdout(): string;
}

const spawnTokenizer = (env: NodeJS.ProcessEnv): ServiceProcess => spawnService({ name: 'tokenizer', entry: ENTRY_POINTS.tokenizer, env });

async function startTokenizer(env: NodeJS.ProcessEnv): Promise<Running> {
  const service = spawnTokenizer(env);
  let stdout = '';
  service.child.stdout?.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
  return { service, base: `http://127.0.0.1:${await listeningPort(service)}`, stdout: () => stdout };
}

describe('example tokenizer process', () => {
  let capture: OtlpCapture;
  let running: Running | undefined;
  beforeEach(async () => { capture = await startOtlpCapture(); });
  afterEach(async () => {
    await stopAllServices('SIGKILL');
    running = undefined;
    await capture.close();
  });

  const post = async (base: string, path: string, body: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, string> };
  };

  it('prints one listening line, counts every operation and flushes them all on SIGTERM', async () => {
    running = await startTokenizer(cleanEnv({
      PORT: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: capture.url,
      OTEL_METRIC_EXPORT_INTERVAL: '600000',
      LUNADEFEND_SERVICE_VERSION: '2.3.4',
      LUNADEFEND_STACK_ID: STACK_ID,
    }));
    const { base } = running;
    const tokens: string[] = [];
    for (let i = 0; i < 5; i++) tokens.push((await post(base, '/tokenize', { value: `secret-${i}` })).json.token as string);
    expect((await post(base, '/tokenize', { value: 7 })).status).toBe(400);
    for (const token of tokens.slice(0, 3)) expect((await post(base, '/detokenize', { token })).status).toBe(200);
    expect((await post(base, '/detokenize', { token: 'tok_nope' })).status).toBe(404);
    expect((await post(base, '/detokenize', { token: 'tok_nope_again' })).status).toBe(404);
    expect((await post(base, '/grants', { token: tokens[4] })).status).toBe(201);
    expect((await post(base, '/grants', {})).status).toBe(400);

    expect(await running.service.stop('SIGTERM')).toBe(0);
    expect(running.stdout().trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(running.stdout())).toEqual({ msg: 'listening', port: expect.any(Number) as number });

    const last = capture.requests.at(-1);
    expect(last).toBeDefined();
    expect(resourceAttributesOf(last!.body)).toEqual({ 'service.version': '2.3.4', 'lunadefend.stack_id': STACK_ID });
    expect(totalsOf(last!.body)).toEqual({
      'lunadefend.tokenize.success': 5,
      'lunadefend.tokenize.failure': 1,
      'lunadefend.detokenize.success': 3,
      'lunadefend.detokenize.failure': 2,
      'lunadefend.grant.create.success': 1,
      'lunadefend.grant.create.failure': 1,
    });
  });

  it('reports its package version by default and omits the stack id when none is set', async () => {
    running = await startTokenizer(cleanEnv({ PORT: '0', OTEL_EXPORTER_OTLP_ENDPOINT: capture.url }));
    expect(await running.service.stop('SIGINT')).toBe(0);
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(resourceAttributesOf(capture.requests.at(-1)!.body)).toEqual({ 'service.version': pkg.version });
  });

  it('with DO_NOT_TRACK=1 never connects to the collector, and still exits 0 on SIGTERM', async () => {
    running = await startTokenizer(cleanEnv({
      PORT: '0',
      DO_NOT_TRACK: '1',
      OTEL_EXPORTER_OTLP_ENDPOINT: capture.url,
      OTEL_METRIC_EXPORT_INTERVAL: '50',
    }));
    expect((await post(running.base, '/tokenize', { value: 'x' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await running.service.stop('SIGTERM')).toBe(0);
    expect(capture.connections()).toBe(0);
  });

  it('refuses a PORT that is not a port number', async () => {
    const refused = spawnTokenizer(cleanEnv({ PORT: 'eighty', LUNADEFEND_TELEMETRY: 'off' }));
    expect(await refused.exited).toBe(1);
    expect(refused.lines).toEqual([{ raw: expect.stringMatching(/PORT="eighty"/) as string }]);
  });
});
