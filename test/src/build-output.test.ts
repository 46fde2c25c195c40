// What `npm run build` leaves in the workspaces' dist/ folders (npm test builds first): no test
// support and no test files. And in the sources, no import that reaches into another workspace by
// relative path: a workspace uses another through its package name.

import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@lunadefend/testkit';

interface Workspace {
  readonly dir: string;
  readonly name: string;
  readonly producesBuild: boolean;
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

const workspaces: Workspace[] = (readJson(join(REPO_ROOT, 'package.json')).workspaces as string[]).map((dir) => {
  const manifest = readJson(join(REPO_ROOT, dir, 'package.json'));
  return {
    dir,
    name: manifest.name as string,
    producesBuild: manifest.main !== undefined || manifest.bin !== undefined,
  };
});

/** Folders of build output: dist/, and the CommonJS build of the instrumentation. */
const OUTPUT_DIRS = ['dist', 'cjs'];
/** Where test support lives in a workspace (one folder per package), and what tests are named. */
const TEST_SUPPORT = /(^|\/)(testing|test-support|support)\/|\.(test|bench)\.[cm]?js$/;

function filesUnder(dir: string, keep: (path: string) => boolean): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isFile() && !join(e.parentPath, e.name).split(sep).includes('node_modules'))
    .map((e) => join(e.parentPath, e.name))
    .filter(keep);
}

/** Module specifiers of static and dynamic imports, re-exports and require() calls. */
function importSpecifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) found.push(match[1]!);
  return found;
}

/** The workspace a repository path belongs to: the longest workspace folder that holds it. */
const owner = (repoPath: string) =>
  workspaces.filter((w) => repoPath === w.dir || repoPath.startsWith(`${w.dir}/`)).sort((a, b) => b.dir.length - a.dir.length)[0];
const repoPath = (absolute: string) => relative(REPO_ROOT, absolute).split(sep).join('/');

describe('build output', () => {
  it('exists for every workspace that declares an entry point (npm test builds first)', () => {
    const built = workspaces.filter((w) => w.producesBuild);
    expect(built.map((w) => w.dir)).toEqual(expect.arrayContaining(['config', 'instrumentation', 'processor', 'receiver']));
    for (const w of built) expect(filesUnder(join(REPO_ROOT, w.dir, 'dist'), (f) => f.endsWith('.js')).length, w.dir).toBeGreaterThan(0);
  });

  it('holds no test support and no test file in any workspace', () => {
    const leaked = workspaces.flatMap((w) =>
      OUTPUT_DIRS.flatMap((out) => filesUnder(join(REPO_ROOT, w.dir, out), (f) => TEST_SUPPORT.test(repoPath(f).slice(`${w.dir}/${out}/`.length)))),
    );
    expect(leaked.map(repoPath)).toEqual([]);
  });
});

describe('sources', () => {
  // The instrumentation compiles the few config/ modules it needs into its own package (listed in
  // instrumentation/tsconfig.json) so the published package depends on no other of ours.
  const compiledIn = new Set(
    (JSON.parse(readFileSync(join(REPO_ROOT, 'instrumentation/tsconfig.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '')) as { include: string[] }).include
      .filter((p) => p.startsWith('../'))
      .map((p) => `instrumentation/${p}`)
      .map((p) => repoPath(resolve(REPO_ROOT, p))),
  );

  it('import no other workspace by relative path', () => {
    const problems: string[] = [];
    for (const w of workspaces) {
      for (const file of filesUnder(join(REPO_ROOT, w.dir, 'src'), (f) => /\.[cm]?[jt]s$/.test(f))) {
        if (owner(repoPath(file)) !== w) continue; // a nested workspace checks its own files
        for (const specifier of importSpecifiers(readFileSync(file, 'utf8'))) {
          if (!specifier.startsWith('.')) continue;
          const target = repoPath(resolve(dirname(file), specifier)).replace(/\.js$/, '.ts');
          if (owner(target) === w || (w.dir === 'instrumentation' && compiledIn.has(target))) continue;
          problems.push(`${repoPath(file)}: ${specifier}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('are scanned: the import parser finds every form', () => {
    const source = `import a from 'one';\nimport {\n  b,\n} from "two";\nimport 'three';\nexport { c } from './four.js';
      const d = await import('five'); const e = require('six');\nimport type { F } from 'seven';\ncase 'import': f('x');`;
    expect(importSpecifiers(source).sort()).toEqual(['./four.js', 'five', 'one', 'seven', 'six', 'three', 'two']);
  });
});
