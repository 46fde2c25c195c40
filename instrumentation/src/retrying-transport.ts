// Retries a transport's retryable outcomes with exponential backoff and jitter (honouring
// Retry-After) until the request's deadline, like the SDK's own retrying transport, with two
// differences that matter to a host service: the backoff timers never keep the process alive,
// and shutdown() cancels a pending retry at once instead of letting it run to its deadline.

import type { ExportResponse, IExporterTransport } from '@opentelemetry/otlp-exporter-base';

export interface RetryPolicy {
  readonly maxRetries: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly multiplier: number;
  /** Fraction of the backoff added or removed at random. */
  readonly jitter: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxRetries: 5,
  initialBackoffMs: 1000,
  maxBackoffMs: 5000,
  multiplier: 1.5,
  jitter: 0.2,
});

export function createRetryingTransport(inner: IExporterTransport, policy: RetryPolicy = DEFAULT_RETRY_POLICY): IExporterTransport {
  let closed = false;
  const sleepers = new Set<() => void>();

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref();
      sleepers.add(wake);
    });

  return {
    async send(data, timeoutMillis): Promise<ExportResponse> {
      // After shutdown nothing new goes out (an export the SDK starts late must not open a socket).
      if (closed) return { status: 'failure', error: new Error('the exporter is shut down') };
      const deadline = Date.now() + timeoutMillis;
      let backoff = policy.initialBackoffMs;
      let result = await inner.send(data, timeoutMillis);
      for (let retry = 0; result.status === 'retryable' && retry < policy.maxRetries && !closed; retry++) {
        const jittered = Math.min(backoff * (1 + (Math.random() * 2 - 1) * policy.jitter), policy.maxBackoffMs);
        backoff *= policy.multiplier;
        const delay = Math.max(0, result.retryInMillis ?? jittered);
        if (delay > deadline - Date.now()) break;
        await sleep(delay);
        if (closed) break;
        result = await inner.send(data, Math.max(1, deadline - Date.now()));
      }
      return result;
    },
    shutdown() {
      closed = true;
      for (const wake of [...sleepers]) wake();
      inner.shutdown();
    },
  };
}
