// Reads the receiver's public transparency log (GET /v1/log/…, next to the report endpoint):
// its verifier key, its latest checkpoint, and proofs. Nothing here is trusted: the caller checks
// every answer against a pinned key and the hashes it computes itself.

export interface InclusionProof {
  readonly leafIndex: number;
  readonly hashes: Buffer[];
}

export type LogAnswer<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly status: number | null; readonly detail: string };

export interface LogClient {
  /** Base URL of the log, e.g. https://receiver.example/v1/log/ */
  readonly base: string;
  key(): Promise<LogAnswer<string>>;
  checkpoint(): Promise<LogAnswer<string>>;
  /** A 404 answer (status 404) means the log holds no such leaf at that size. */
  inclusion(leafHash: Buffer, treeSize: number): Promise<LogAnswer<InclusionProof>>;
  consistency(first: number, second: number): Promise<LogAnswer<Buffer[]>>;
}

const MAX_ANSWER_BYTES = 64 * 1024;

/** The log lives beside the report endpoint: …/v1/reports → …/v1/log/. */
export function logBaseUrl(reportEndpoint: string): string {
  return new URL('log/', new URL('.', reportEndpoint)).toString();
}

const hashes = (value: unknown): Buffer[] | undefined =>
  Array.isArray(value) && value.every((h) => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h)) ? value.map((h: string) => Buffer.from(h, 'hex')) : undefined;

export function createLogClient(options: { readonly reportEndpoint: string; readonly timeoutMs: number }): LogClient {
  const base = logBaseUrl(options.reportEndpoint);

  const get = async (path: string): Promise<LogAnswer<string>> => {
    try {
      const res = await fetch(new URL(path, base), { signal: AbortSignal.timeout(options.timeoutMs), headers: { 'user-agent': 'lunadefend-collector' } });
      const text = (await res.text()).slice(0, MAX_ANSWER_BYTES);
      if (!res.ok) {
        let code = '';
        try {
          code = String((JSON.parse(text) as { error?: unknown }).error ?? '');
        } catch {
          code = '';
        }
        return { ok: false, status: res.status, detail: `HTTP ${res.status}${code === '' ? '' : ` ${code}`}` };
      }
      return { ok: true, value: text };
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return { ok: false, status: null, detail: cause ?? (error as Error).name };
    }
  };
  const json = async <T>(path: string, read: (body: Record<string, unknown>) => T | undefined): Promise<LogAnswer<T>> => {
    const answer = await get(path);
    if (!answer.ok) return answer;
    try {
      const value = read(JSON.parse(answer.value) as Record<string, unknown>);
      if (value !== undefined) return { ok: true, value };
    } catch {
      // reported below
    }
    return { ok: false, status: 200, detail: 'the answer is not a proof' };
  };

  return {
    base,
    key: () => get('key'),
    checkpoint: () => get('checkpoint'),
    inclusion: (leafHash, treeSize) =>
      json(`inclusion?leaf_hash=${leafHash.toString('hex')}&tree_size=${treeSize}`, (body) => {
        const path = hashes(body.hashes);
        return Number.isSafeInteger(body.leaf_index) && path !== undefined ? { leafIndex: body.leaf_index as number, hashes: path } : undefined;
      }),
    consistency: (first, second) => json(`consistency?first=${first}&second=${second}`, (body) => hashes(body.hashes)),
  };
}
