// docs/configuration.md must list every key of the collector's schema and every environment
// variable the code reads, so the doc cannot fall behind the code.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collectorConfigKeys } from '@lunadefend/config';

const root = fileURLToPath(new URL('../../', import.meta.url));
const doc = readFileSync(`${root}docs/configuration.md`, 'utf8');

/** Non-test TypeScript sources of the shipped packages. */
function shippedSources(): string[] {
  const listed = spawnSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '--', 'config/src', 'instrumentation/src', 'instrumentation/examples/tokenizer/src', 'processor/src', 'receiver/src'],
    { cwd: root, encoding: 'utf8' },
  ).stdout;
  return listed.split('\n').filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.includes('/testing/'));
}

describe('docs/configuration.md', () => {
  it('lists every key of the collector configuration schema', () => {
    const missing = collectorConfigKeys().map((k) => k.path).filter((path) => !doc.includes(`\`${path}\``));
    expect(missing).toEqual([]);
  });

  it('lists every environment variable the code reads', () => {
    const variables = new Set<string>();
    for (const file of shippedSources()) {
      const text = readFileSync(`${root}${file}`, 'utf8');
      for (const match of text.matchAll(/\b(LUNADEFEND_[A-Z0-9_]*[A-Z0-9]|OTEL_[A-Z0-9_]*[A-Z0-9]|DO_NOT_TRACK|DATABASE_URL)\b/g)) {
        variables.add(match[1]!);
      }
    }
    expect(variables.size).toBeGreaterThan(20);
    const missing = [...variables].filter((v) => !doc.includes(v)).sort();
    expect(missing).toEqual([]);
  });
});
