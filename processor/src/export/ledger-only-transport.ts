// The transport of `local` mode: nothing ever connects to the endpoint. Every report is
// "delivered" at once, so the exporter moves it from the outbox to the local ledger (outcome
// `local`, no HTTP status), where `ledger` and `preview` show exactly what would have been sent.

import type { ReportTransport } from './report-transport.js';

export function createLedgerOnlyTransport(): ReportTransport {
  return {
    send: () => Promise.resolve({ kind: 'delivered', outcome: 'local', status: null }),
  };
}
