// Group commit: inserts that arrive while the store is busy are written together in one
// transaction (one round trip and one commit instead of one per report). Under light load every
// batch holds one report and adds no delay; under heavy load batches grow up to `maxBatch`. Each
// caller still gets its own outcome, and only after the batch holding its report has committed.

export interface InsertBatcherOptions<I, O> {
  /** Writes one batch and returns one outcome per item, in order. */
  readonly write: (items: readonly I[]) => Promise<O[]>;
  /** Most items in one batch (default 256). */
  readonly maxBatch?: number;
  /** Batches written at the same time (default 1). */
  readonly maxInFlight?: number;
  /** How a flush is scheduled; setImmediate lets every request parsed in this loop turn join. */
  readonly schedule?: (flush: () => void) => void;
}

export interface InsertBatcher<I, O> {
  submit(item: I): Promise<O>;
}

interface Pending<I, O> {
  readonly item: I;
  readonly resolve: (outcome: O) => void;
  readonly reject: (error: unknown) => void;
}

export function createInsertBatcher<I, O>(options: InsertBatcherOptions<I, O>): InsertBatcher<I, O> {
  const maxBatch = options.maxBatch ?? 256;
  const maxInFlight = options.maxInFlight ?? 1;
  const schedule = options.schedule ?? ((flush) => setImmediate(flush));
  const queue: Pending<I, O>[] = [];
  let inFlight = 0;
  let scheduled = false;

  const write = async (batch: Pending<I, O>[]): Promise<void> => {
    try {
      const outcomes = await options.write(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(outcomes[i] as O));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // One bad item must not fail its neighbours: retry each on its own.
      await Promise.all(batch.map((p) => write([p])));
    }
  };

  const flush = (): void => {
    scheduled = false;
    while (inFlight < maxInFlight && queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      inFlight += 1;
      void write(batch).finally(() => {
        inFlight -= 1;
        if (queue.length > 0) flush();
      });
    }
  };

  return {
    submit(item) {
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          schedule(flush);
        }
      });
    },
  };
}
