// docs/architecture.md is the contributors' map: every file or folder it names must exist, so the
// map cannot point at code that moved.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const doc = readFileSync(`${root}docs/architecture.md`, 'utf8');

/** Every `code span` that is a repository path: it contains a slash and no spaces or placeholders. */
function namedPaths(): string[] {
  const spans = [...doc.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]!);
  return [...new Set(spans.filter((s) => s.includes('/') && !s.startsWith('/') && !s.startsWith('@') && !/[<>*]/.test(s)))];
}

describe('docs/architecture.md', () => {
  it('names only files and folders that exist', () => {
    const paths = namedPaths();
    expect(paths.length).toBeGreaterThan(40);
    expect(paths.filter((path) => !existsSync(`${root}${path}`))).toEqual([]);
  });

  it('names each package folder and the four "where to change what" tasks', () => {
    for (const folder of ['config/src/', 'instrumentation/src/', 'processor/src/', 'receiver/src/', 'test/src/', 'bench/']) expect(doc).toContain(`\`${folder}\``);
    for (const task of ['add a metric', 'add a storage backend', 'change the window rule', 'add a collector stage']) expect(doc).toContain(`| ${task} |`);
  });
});
