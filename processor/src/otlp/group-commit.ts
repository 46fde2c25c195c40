// Group commit: requests that arrive while the event loop is busy (a commit with its fsync blocks
// it) are committed together in one transaction on the next turn, and each is answered only after
// that commit. This keeps "200 only after durable" while paying one fsync per group instead of
// one per request. No request waits for more than the current turn: there is no timer.

import type { ConsumeOutcome, MetricsConsumer } from '../component.js';
import type { MetricsRequest } from '../model/metrics-request.js';

interface Waiting {
  readonly request: MetricsRequest;
  readonly resolve: (outcome: ConsumeOutcome) => void;
  readonly reject: (error: unknown) => void;
}

export interface GroupCommit {
  /** Settles after the group holding `request` was committed (rejects if the consumer threw). */
  submit(request: MetricsRequest): Promise<ConsumeOutcome>;
}

export function createGroupCommit(inner: MetricsConsumer, options: { readonly maxBatchRequests?: number } = {}): GroupCommit {
  const maxBatch = options.maxBatchRequests ?? 64;
  let queue: Waiting[] = [];
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      let outcomes: ConsumeOutcome[];
      try {
        outcomes = inner.consumeBatch(batch.map((w) => w.request));
      } catch (error) {
        for (const w of batch) w.reject(error);
        continue;
      }
      batch.forEach((w, i) => w.resolve(outcomes[i] as ConsumeOutcome));
    }
  };

  return {
    submit(request) {
      return new Promise<ConsumeOutcome>((resolve, reject) => {
        queue.push({ request, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}
