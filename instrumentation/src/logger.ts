// The one logger the package writes to. Warnings (an operator's setting we could not use) go to
// console.warn, once per distinct line per process; everything else is a debug line, shown only
// with NODE_DEBUG=lunadefend-metrics. Never a metric value, never a header.

import { debuglog } from 'node:util';

export interface MetricsLogger {
  warn(message: string): void;
  debug(message: string): void;
}

const debug = debuglog('lunadefend-metrics');
const warned = new Set<string>();

export const defaultLogger: MetricsLogger = {
  warn(message) {
    if (warned.has(message)) return;
    warned.add(message);
    console.warn(`lunadefend-metrics: ${message}`);
  },
  debug(message) {
    debug(message);
  },
};
