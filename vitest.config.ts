// One vitest run covers every workspace. Packages are imported from their sources so a test
// never runs against a stale build; tests that spawn real processes use the built dist/ that
// `npm test` produces first.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@lunadefend/config': src('./config/src/index.ts'),
      // Before the package itself: an alias also matches every subpath of its name.
      '@lunadefend/metrics/contract': src('./instrumentation/src/contract/index.ts'),
      '@lunadefend/metrics': src('./instrumentation/src/index.ts'),
      '@lunadefend/example-tokenizer': src('./instrumentation/examples/tokenizer/src/index.ts'),
      '@lunadefend/collector': src('./processor/src/index.ts'),
      '@lunadefend/receiver': src('./receiver/src/index.ts'),
      '@lunadefend/testkit': src('./testkit/src/index.ts'),
    },
  },
  test: {
    include: [
      'config/src/**/*.test.ts',
      'instrumentation/src/**/*.test.ts',
      'instrumentation/examples/tokenizer/src/**/*.test.ts',
      'processor/src/**/*.test.ts',
      'receiver/src/**/*.test.ts',
      'testkit/src/**/*.test.ts',
      'test/src/**/*.test.ts',
    ],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
