// Lets lifecycle calls (flush, shutdown) promise a bound: whatever the collector does, the
// caller's await ends within `timeoutMs`. The timer is deliberately ref'd: while a caller awaits
// a flush the process must stay up to finish it (everything else the exporter holds is
// unref'd), and once the bound passes nothing is left holding the process.

/** Resolves true when `work` settles in time, false when the bound passed first. Never rejects. */
export function settleWithin(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    work.then(
      () => { clearTimeout(timer); resolve(true); },
      () => { clearTimeout(timer); resolve(true); },
    );
  });
}
