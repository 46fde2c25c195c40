// `status`: what the collector is doing, from the configuration, the environment and the state
// file (read-only, safe while a collector runs). Never prints report bodies.

import { decideTelemetryMode, formatUtcTimestamp, type CollectorConfig } from '@lunadefend/config';
import { describeSkew, SKEW_WARN_MS } from '../export/clock-skew.js';
import { readFaultNote } from '../state/fault-note.js';
import { stateFileProblem } from '../state/state-file-check.js';
import { readCollectorState } from '../state/state-reader.js';
import { describeWindowMismatch, windowMismatchOf } from './window-mismatch.js';

export function statusCommand(config: CollectorConfig, env: NodeJS.ProcessEnv, json: boolean, out: (line: string) => void): number {
  const decision = decideTelemetryMode(env);
  // The same verdict `run` reaches at start-up: an unusable state file is reported, not read.
  const problem = stateFileProblem(config.extensions.file_storage.directory);
  if (problem !== undefined) {
    out(json ? JSON.stringify({ mode: decision.mode, decidedBy: decision.decidedBy, stateDirectory: config.extensions.file_storage.directory, stateProblem: { code: problem.code, message: problem.message } }, null, 2) : `state:           ${problem.code}: ${problem.message}`);
    return 1;
  }
  const state = readCollectorState(config.extensions.file_storage.directory);
  const fault = readFaultNote(config.extensions.file_storage.directory);
  const status = {
    mode: decision.mode,
    decidedBy: decision.decidedBy,
    warnings: decision.warnings,
    endpoint: config.exporters.lunadefend.endpoint,
    sends: decision.mode === 'on' ? 'reports are sent to the endpoint' : decision.mode === 'local' ? 'reports stay in the local ledger; nothing connects' : 'nothing is stored or sent',
    stateDirectory: config.extensions.file_storage.directory,
    stateFile: state.exists ? 'present' : 'absent',
    lastStart: state.lastStart === undefined ? null : { ...state.lastStart, at: formatUtcTimestamp(state.lastStart.atMs) },
    openReports: state.openReports,
    outboxDepth: state.outbox.length,
    nextSend: state.outbox.length === 0 ? null : formatUtcTimestamp(Math.min(...state.outbox.map((e) => e.nextAttemptMs))),
    deadLetters: state.deadLetters.map((d) => ({
      reportId: d.reportId, windowEnd: formatUtcTimestamp(d.windowEndMs), status: d.status, error: d.error, windowMismatch: windowMismatchOf(d) ?? null,
    })),
    ledgerEntries: state.ledgerEntries,
    reportsExpired: state.reportsExpired,
    lastSend: state.lastSend === undefined ? null : { ...state.lastSend, at: formatUtcTimestamp(state.lastSend.atMs) },
    clockSkew: state.clockSkew === undefined ? null : { seconds: Math.round(state.clockSkew.skewMs / 1000), at: formatUtcTimestamp(state.clockSkew.atMs) },
    fault: fault === undefined ? null : { code: fault.code, reason: fault.reason, at: formatUtcTimestamp(fault.atMs) },
  };
  if (json) {
    out(JSON.stringify(status, null, 2));
    return 0;
  }
  out(`mode:            ${status.mode} (decided by ${status.decidedBy}) — ${status.sends}`);
  if (status.fault !== null) out(`UNHEALTHY:       ${status.fault.reason} (since ${status.fault.at})`);
  for (const warning of status.warnings) out(`warning:         ${warning}`);
  if (status.lastStart !== null) {
    out(`last started:    ${status.lastStart.at} in mode ${status.lastStart.mode} (decided by ${status.lastStart.decidedBy})${status.lastStart.mode === status.mode ? '' : ' — differs from this environment'}`);
  }
  out(`endpoint:        ${status.endpoint}`);
  out(`state:           ${status.stateDirectory} (${status.stateFile})`);
  out(`open reports:    ${status.openReports}`);
  out(`outbox depth:    ${status.outboxDepth}${status.nextSend === null ? '' : ` (next attempt ${status.nextSend})`}`);
  out(`dead letters:    ${status.deadLetters.length}`);
  for (const d of status.deadLetters) {
    out(`  ${d.reportId} window ending ${d.windowEnd}: ${d.windowMismatch === null ? d.error : describeWindowMismatch(d.windowMismatch)}`);
  }
  out(`ledger entries:  ${status.ledgerEntries}`);
  out(`reports expired: ${status.reportsExpired}`);
  const last = status.lastSend;
  out(`last send:       ${last === null ? 'none yet' : `${last.outcome}${last.status ? ` (HTTP ${last.status})` : ''}${last.code ? ` ${last.code}` : ''} at ${last.at}`}`);
  if (state.clockSkew !== undefined) {
    const skew = state.clockSkew.skewMs;
    const words = Math.abs(skew) > SKEW_WARN_MS ? `this host is ${describeSkew(skew)} the receiver — fix its clock (NTP)` : 'agrees with the receiver';
    out(`clock:           ${words} (measured ${formatUtcTimestamp(state.clockSkew.atMs)})`);
  }
  return 0;
}
