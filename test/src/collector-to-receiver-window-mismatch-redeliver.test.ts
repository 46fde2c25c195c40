// An operator's repair: collector and receiver disagree on the window length, so every report is
// refused and dead-lettered. `status` names both lengths; once the receiver takes the collector's
// window, `redeliver --all` sends the same bytes under the same report ids, each stored once; and
// `ledger --json` lists exactly the reports the receiver stored.

import { describe, expect, it } from 'vitest';
import { readCollectorState } from '@lunadefend/collector';
import { waitUntil } from '@lunadefend/testkit';
import { runCollectorCli, startPipeline, startReceiver } from './support/pipeline.js';
import { awaitCollectorDrained, countThenStop } from './support/scenario.js';
import { useScratchDir } from './support/scratch.js';
import { storedReports } from './support/stores.js';

const COLLECTOR_WINDOW = '2s';
const RECEIVER_WRONG_WINDOW = '4s';

describe('collector → receiver with different windows, then repaired', () => {
  const scratch = useScratchDir('redeliver');

  it('shows the mismatch in status, and redeliver after the fix gets every report stored once; ledger --json equals what the receiver stored', async () => {
    const pipeline = await startPipeline(scratch.dir, { window: COLLECTOR_WINDOW, receiverWindow: RECEIVER_WRONG_WINDOW, version: '1.2.3' });
    const { database, receiver: wrong, stateDirectory, configPath, client } = pipeline;
    expect(await countThenStop(pipeline, 1)).toBe(0);
    await awaitCollectorDrained(stateDirectory);
    const dead = readCollectorState(stateDirectory).deadLetters;
    expect(dead.length).toBeGreaterThan(0);
    expect(await storedReports(database)).toEqual([]);

    const status = runCollectorCli(['status', '--config', configPath]);
    expect(status.stdout).toContain(`dead letters:    ${dead.length}`);
    expect(status.stdout).toContain("refused: this report's window is 2s but the receiver takes 4s windows");
    const statusJson = JSON.parse(runCollectorCli(['status', '--config', configPath, '--json']).stdout) as { deadLetters: { windowMismatch: unknown }[] };
    expect(statusJson.deadLetters.every((d) => JSON.stringify(d.windowMismatch) === '{"collector":"2s","receiver":"4s"}')).toBe(true);

    // The fix: the receiver takes the collector's window (same address, same database).
    await wrong.service.stop('SIGTERM');
    const receiver = await startReceiver({ database, window: COLLECTOR_WINDOW, port: wrong.port, adminToken: wrong.adminToken });
    const redeliver = runCollectorCli(['redeliver', '--all', '--config', configPath]);
    expect(redeliver.status).toBe(0);
    expect(redeliver.stdout).toContain(`moved ${dead.length} dead letter(s) back to the outbox`);
    await waitUntil('every redelivered report delivered', () => {
      const state = readCollectorState(stateDirectory);
      return state.outbox.length === 0 && state.deadLetters.length === 0 && state.ledgerEntries === dead.length;
    });

    const stored = await storedReports(database);
    expect(stored.map((r) => r.reportId).sort()).toEqual(dead.map((d) => d.reportId).sort());
    expect(await receiver.totals()).toEqual(client.counts);
    // Nothing is left to re-send; a second attempt changes nothing.
    expect(runCollectorCli(['redeliver', '--all', '--config', configPath]).stdout).toContain('no dead letters to redeliver');

    const ledger = JSON.parse(runCollectorCli(['ledger', '--json', '--config', configPath]).stdout) as { reportId: string; outcome: string; body: string; sha256: string }[];
    const fromLedger = ledger
      .map((row) => {
        const report = JSON.parse(row.body) as { report_id: string; stack_id: string; version: string; metrics: Record<string, number> };
        expect(row.reportId).toBe(report.report_id);
        return { reportId: report.report_id, stackId: report.stack_id, version: report.version, metrics: report.metrics };
      })
      .sort((a, b) => (a.reportId < b.reportId ? -1 : 1));
    expect(fromLedger).toEqual(stored);
    expect(ledger.every((row) => row.outcome === 'accepted')).toBe(true);
    // The sent bytes are the dead letters' bytes: same report, re-sent, not re-made.
    expect(ledger.map((row) => row.body).sort()).toEqual(dead.map((d) => d.body).sort());
    const text = runCollectorCli(['ledger', '--config', configPath, '--since', new Date().toISOString().slice(0, 10)]);
    expect(text.stdout).toContain(`# ${dead.length} report(s) in the ledger since`);
    for (const row of ledger) expect(text.stdout).toContain(row.sha256);
    expect(text.stdout).not.toContain('"metrics"');
  }, 120_000);
});
