// Every end-to-end test's frame: a fresh temporary directory before each test, and after it every
// process the test started stopped (also after a failure), then the directory removed.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { stopAllServices } from '@lunadefend/testkit';

export interface Scratch {
  /** The current test's directory. */
  readonly dir: string;
  /** Runs `cleanup` after the current test, once its processes are stopped (proxies, databases); last registered, first run. */
  onCleanup(cleanup: () => unknown): void;
}

/** Registers the hooks in the enclosing `describe`; `name` goes into the directory's name. */
export function useScratchDir(name: string): Scratch {
  let dir: string | undefined;
  const cleanups: (() => unknown)[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), `lunadefend-e2e-${name}-`));
  });
  afterEach(async () => {
    await stopAllServices();
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return {
    get dir() {
      if (dir === undefined) throw new Error('the scratch directory exists only while a test runs');
      return dir;
    },
    onCleanup: (cleanup) => void cleanups.push(cleanup),
  };
}
