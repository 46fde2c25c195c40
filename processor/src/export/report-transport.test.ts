import { describe, expect, it } from 'vitest';
import { COLLECTOR_ERRORS, isRetryable, type CollectorErrorCode } from '../errors.js';
import { createLedgerOnlyTransport } from './ledger-only-transport.js';
import { sendFailed } from './report-transport.js';

describe('report transports', () => {
  it('retries or dead-letters each export failure exactly as the error table says', () => {
    const codes = (Object.keys(COLLECTOR_ERRORS) as CollectorErrorCode[]).filter((code) => code.startsWith('EXPORT_'));
    expect(codes.length).toBeGreaterThan(4);
    for (const code of codes) {
      const result = sendFailed({ code, status: 400, detail: 'HTTP 400' });
      expect(result.kind, code).toBe(isRetryable(code) ? 'retryable' : 'rejected');
    }
    expect(sendFailed({ code: 'EXPORT_REJECTED', status: 403, detail: 'HTTP 403 stack_blocked' })).toMatchObject({ kind: 'rejected', status: 403, error: 'HTTP 403 stack_blocked' });
    expect(sendFailed({ code: 'EXPORT_WINDOW_IN_FUTURE', status: 400, retryAfter: '5', detail: 'x' })).toMatchObject({ kind: 'retryable', retryAfter: '5' });
  });

  it('delivers every report to the ledger alone in local mode, with no status and no receipt', async () => {
    expect(await createLedgerOnlyTransport().send('{"report_id":"x"}')).toEqual({ kind: 'delivered', outcome: 'local', status: null });
  });
});
