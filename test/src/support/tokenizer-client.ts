// Drives the example tokenizer over HTTP and keeps score: every answered request is one operation,
// counted under the report key the tokenizer counts it under (2xx = success, any other answer =
// failure). A request that gets no answer is not counted: the tokenizer never saw it through.

import { REPORT_KEYS, zeroMetrics, type ReportKey, type ReportMetrics } from '@lunadefend/config';

export type Operation = 'tokenize' | 'detokenize' | 'createGrant';

const PATHS: Readonly<Record<Operation, string>> = { tokenize: '/tokenize', detokenize: '/detokenize', createGrant: '/grants' };
const KEYS: Readonly<Record<Operation, { success: ReportKey; failure: ReportKey }>> = {
  tokenize: { success: 'tokenizeSuccess', failure: 'tokenizeFailure' },
  detokenize: { success: 'detokenizeSuccess', failure: 'detokenizeFailure' },
  createGrant: { success: 'createGrantSuccess', failure: 'createGrantFailure' },
};

export interface OperationResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export interface TokenizerClient {
  /** Operations answered so far, per report key. */
  readonly counts: ReportMetrics;
  /** Requests that got no answer (connection refused, timeout). */
  unanswered(): number;
  call(operation: Operation, body: unknown): Promise<OperationResult | undefined>;
  /** Tokenizes `value`; resolves with the token, or undefined when refused. */
  tokenize(value: string): Promise<string | undefined>;
  detokenize(token: string): Promise<number | undefined>;
  createGrant(token: string): Promise<number | undefined>;
}

export function createTokenizerClient(baseUrl: string, timeoutMs = 5_000): TokenizerClient {
  const counts: ReportMetrics = zeroMetrics();
  let unanswered = 0;
  const call = async (operation: Operation, body: unknown): Promise<OperationResult | undefined> => {
    let response: Response;
    try {
      response = await fetch(new URL(PATHS[operation], baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch {
      unanswered++;
      return undefined;
    }
    const parsed = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    const key = response.ok ? KEYS[operation].success : KEYS[operation].failure;
    counts[key]++;
    return { status: response.status, body: parsed };
  };
  return {
    counts,
    unanswered: () => unanswered,
    call,
    async tokenize(value) {
      const result = await call('tokenize', { value });
      const token = result?.body.token;
      return typeof token === 'string' ? token : undefined;
    },
    async detokenize(token) {
      return (await call('detokenize', { token }))?.status;
    },
    async createGrant(token) {
      return (await call('createGrant', { token }))?.status;
    },
  };
}

/** `a + b` per report key. */
export function addMetrics(a: ReportMetrics, b: ReportMetrics): ReportMetrics {
  return Object.fromEntries(REPORT_KEYS.map((key) => [key, a[key] + b[key]])) as ReportMetrics;
}
