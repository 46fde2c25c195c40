// Lets lifecycle calls (flush, shutdown) promise a bound: whatever the collector does, the
// caller's await ends within `timeoutMs`, and the waiting timer never keeps the process alive.

/** Resolves true when `work` settles in time, false when the bound passed first. Never rejects. */
export function settleWithin(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
    work.then(
      () => { clearTimeout(timer); resolve(true); },
      () => { clearTimeout(timer); resolve(true); },
    );
  });
}
