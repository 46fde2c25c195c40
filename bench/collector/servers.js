// Starts each server under test in its own child process (so its CPU time and RSS are its own)
// with the usage probe preloaded, and knows how to ask it for usage and stop it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const PROBE = pathToFileURL(here('./probe.js')).href;
const COLLECTOR_MAIN = here('../../processor/dist/main.js');
const SHIPPED_CONFIG = here('../../otel-collector.yaml');

function spawnWithProbe(args, env, nodeArgs = []) {
  return spawn(process.execPath, [...nodeArgs, '--import', PROBE, ...args], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], env });
}

/** Wraps a started child: usage() asks the probe, stop() sends SIGTERM and waits for the exit. */
function handle(name, child, port, cleanup = () => {}) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    name,
    port,
    pid: child.pid,
    usage() {
      return new Promise((resolve, reject) => {
        const onMessage = (message) => {
          if (message?.usage === undefined) return;
          child.off('message', onMessage);
          resolve(message.usage);
        };
        child.on('message', onMessage);
        child.send('usage', (error) => error && reject(error));
      });
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      cleanup();
    },
  };
}

/** bare-server.js / intake-server.js report their port over IPC. */
async function startScript(name, script) {
  const child = spawnWithProbe([here(script)], process.env);
  child.stdout.resume();
  const port = await new Promise((resolve, reject) => {
    child.on('message', (message) => message?.port !== undefined && resolve(message.port));
    child.once('exit', (code) => reject(new Error(`${name} exited early (${code})`)));
  });
  return handle(name, child, port);
}

export const startBareServer = () => startScript('bare Node HTTP server', './bare-server.js');
export const startIntakeOnly = () => startScript('intake + discarding consumer', './intake-server.js');

/**
 * The real collector (`lunadefend-collector run`) with the shipped otel-collector.yaml, every
 * listening port moved to 0, mode on, a fresh state directory and an unreachable report endpoint
 * (nothing is sent anyway: the 24h window does not end during the run). `nodeArgs` go to node
 * itself, e.g. ['--cpu-prof'] to see where the collector spends its time.
 */
export async function startCollector({ nodeArgs = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'lunadefend-bench-collector-'));
  const config = readFileSync(SHIPPED_CONFIG, 'utf8').replaceAll('127.0.0.1:13133', '127.0.0.1:0').replaceAll('127.0.0.1:8888', '127.0.0.1:0');
  const configPath = join(dir, 'otel-collector.yaml');
  writeFileSync(configPath, config);
  const env = {
    ...process.env,
    LUNADEFEND_TELEMETRY: 'on',
    LUNADEFEND_OTLP_ENDPOINT: '127.0.0.1:0',
    LUNADEFEND_STATE_DIR: join(dir, 'state'),
    LUNADEFEND_METRICS_ENDPOINT: 'http://127.0.0.1:9/v1/reports',
    LUNADEFEND_WINDOW: '24h',
  };
  delete env.DO_NOT_TRACK;
  delete env.LUNADEFEND_STACK_ID;
  const child = spawnWithProbe([COLLECTOR_MAIN, 'run', '--config', configPath], env, nodeArgs);
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise((resolve, reject) => {
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line);
        if (entry.msg === 'otlp intake: listening') resolve(entry.port);
      } catch {
        // not a log line
      }
    });
    child.once('exit', (code) => reject(new Error(`collector exited early (${code})`)));
  });
  return handle('collector (whole pipeline)', child, port, () => rmSync(dir, { recursive: true, force: true }));
}
