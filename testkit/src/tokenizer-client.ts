// Drives the example tokenizer over HTTP and keeps score: every answered request is one operation,
// counted under the report key the tokenizer counts it under (2xx = success, any other answer =
// failure). A request that gets no answer is not counted: the tokenizer never saw it through.
// The caller hands in the zeroed counts (the catalog's `zeroMetrics()`), so the score has every
// report key, and this package needs none of the product packages.

export type Operation = 'tokenize' | 'detokenize' | 'createGrant';
/** The report keys the tokenizer's operations are counted under. */
export type OperationKey = `${Operation}${'Success' | 'Failure'}`;

const PATHS: Readonly<Record<Operation, string>> = { tokenize: '/tokenize', detokenize: '/detokenize', createGrant: '/grants' };

export interface OperationResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export interface TokenizerClient<M extends Record<OperationKey, number> = Record<OperationKey, number>> {
  /** Operations answered so far, per report key. */
  readonly counts: M;
  /** Requests that got no answer (connection refused, timeout). */
  unanswered(): number;
  call(operation: Operation, body: unknown): Promise<OperationResult | undefined>;
  /** Tokenizes `value`; resolves with the token, or undefined when refused. */
  tokenize(value: string): Promise<string | undefined>;
  detokenize(token: string): Promise<number | undefined>;
  createGrant(token: string): Promise<number | undefined>;
}

export function createTokenizerClient<M extends Record<OperationKey, number>>(baseUrl: string, counts: M, timeoutMs = 5_000): TokenizerClient<M> {
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
    const key: OperationKey = `${operation}${response.ok ? 'Success' : 'Failure'}`;
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
