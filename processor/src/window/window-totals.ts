// Projection of deltas onto (window, stack id, version, report key), summed. A point belongs to the
// window in which the collector received it: the local clock is trusted and client timestamps are
// not, so there is no late data to reconcile. A group is created (with its random report id) by
// the first point of its window, even a zero delta: a deployment that ran but did nothing is
// still reported as active.

import { randomUUID } from 'node:crypto';
import type { StateStore } from '../state/state-store.js';
import type { DeltaPoint } from '../model/points.js';
import { windowOf } from './utc-window.js';

interface Group {
  readonly stackId: string;
  readonly version: string;
  readonly byKey: Map<string, number>;
}

export interface WindowTotals {
  /** Must be called inside a store transaction. */
  add(store: StateStore, deltas: readonly DeltaPoint[], receivedAtMs: number): void;
}

export function createWindowTotals(options: { readonly windowMs: number; readonly newReportId?: () => string }): WindowTotals {
  const newReportId = options.newReportId ?? randomUUID;
  return {
    add(store, deltas, receivedAtMs) {
      if (deltas.length === 0) return;
      const { startMs } = windowOf(receivedAtMs, options.windowMs);
      // Sum in memory first: one row write per (group, key) per request, not one per point.
      const sums = new Map<string, Group>();
      let group: Group | undefined;
      for (const { point, delta } of deltas) {
        // Points of one resource come together and share its group: look it up only on a change.
        if (group === undefined || group.stackId !== point.stackId || group.version !== point.version) {
          const groupKey = `${point.stackId}\u0000${point.version}`;
          group = sums.get(groupKey);
          if (group === undefined) {
            group = { stackId: point.stackId, version: point.version, byKey: new Map() };
            sums.set(groupKey, group);
          }
        }
        group.byKey.set(point.reportKey, (group.byKey.get(point.reportKey) ?? 0) + delta);
      }
      for (const group of sums.values()) {
        let reportId = store.windows.findGroup(startMs, group.stackId, group.version);
        if (reportId === undefined) {
          reportId = newReportId();
          store.windows.createGroup(startMs, group.stackId, group.version, reportId);
        }
        for (const [key, sum] of group.byKey) store.windows.add(reportId, key, sum);
      }
    },
  };
}
