// What `npm run build` leaves in the workspaces' dist/ folders (npm test builds first): no test
// support, no test files, and no import a workspace could not satisfy from its own production
// dependencies (a dev-only package in dist would fail in the image, which installs with
// --omit=dev). And in the sources, no import that reaches into another workspace by relative
// path: a workspace uses another through its package name.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@lunadefend/testkit';

interface Workspace {
  readonly dir: string;
  readonly name: string;
  readonly dependencies: ReadonlySet<string>;
  readonly producesBuild: boolean;
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

const workspaces: Workspace[] = (readJson(join(REPO_ROOT, 'package.json')).workspaces as string[]).map((dir) => {
  const manifest = readJson(join(REPO_ROOT, dir, 'package.json'));
  return {
    dir,
    name: manifest.name as string,
    dependencies: new Set(Object.keys((manifest.dependencies as Record<string, string> | undefined) ?? {})),
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

/**
 * Whether a built file is left over from an earlier build: every source its map names is gone (a
 * moved or deleted module; `tsc -b` does not delete outputs). A fresh build does not make it.
 */
function leftOver(file: string): boolean {
  const map = `${file}.map`;
  if (!existsSync(map)) return false;
  const { sources } = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] };
  return sources.every((source) => !existsSync(resolve(dirname(file), source)));
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

const packageName = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
const isBuiltin = (specifier: string) => specifier.startsWith('node:') || builtinModules.includes(packageName(specifier));
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
      OUTPUT_DIRS.flatMap((out) =>
        filesUnder(join(REPO_ROOT, w.dir, out), (f) => TEST_SUPPORT.test(repoPath(f).slice(`${w.dir}/${out}/`.length)) && !leftOver(f.replace(/\.map$/, '').replace(/\.d\.ts$/, '.js'))),
      ),
    );
    expect(leaked.map(repoPath)).toEqual([]);
  });

  it('imports only node built-ins, its own files and its workspace\'s production dependencies', () => {
    const problems: string[] = [];
    for (const w of workspaces) {
      for (const out of OUTPUT_DIRS) {
        for (const file of filesUnder(join(REPO_ROOT, w.dir, out), (f) => /\.[cm]?js$/.test(f) && !leftOver(f))) {
          for (const specifier of importSpecifiers(readFileSync(file, 'utf8'))) {
            if (isBuiltin(specifier)) continue;
            if (specifier.startsWith('.')) {
              const target = owner(repoPath(resolve(dirname(file), specifier)));
              if (target !== w) problems.push(`${repoPath(file)}: ${specifier} leaves ${w.dir}`);
            } else if (!w.dependencies.has(packageName(specifier)) && packageName(specifier) !== w.name) {
              problems.push(`${repoPath(file)}: ${specifier} is not in ${w.dir}/package.json dependencies`);
            }
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('sources', () => {
  it('import no other workspace by relative path', () => {
    const problems: string[] = [];
    for (const w of workspaces) {
      for (const file of filesUnder(join(REPO_ROOT, w.dir, 'src'), (f) => /\.[cm]?[jt]s$/.test(f))) {
        if (owner(repoPath(file)) !== w) continue; // a nested workspace checks its own files
        for (const specifier of importSpecifiers(readFileSync(file, 'utf8'))) {
          if (!specifier.startsWith('.')) continue;
          const target = repoPath(resolve(dirname(file), specifier)).replace(/\.js$/, '.ts');
          if (owner(target) === w) continue;
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
