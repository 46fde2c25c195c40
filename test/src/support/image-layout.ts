// Assembles, without a container engine, the file tree a Dockerfile's last stage would hold, from
// this checkout: its installed node_modules (which `npm ci` made from the same lockfile) and its
// built dist/ folders. Each stage is a list of mounts (image path ← checkout path), so COPY
// --from carries exactly what the Dockerfile says, and only the final stage is copied to disk.
// RUN steps are emulated only for the commands listed below; any other RUN fails loudly, so a
// change to the Dockerfile cannot slip past the test unexamined.

import { cpSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { basename, dirname, join, posix, relative, sep } from 'node:path';
import { parseCopy, parseDockerfile, parseEnv, type DockerStage } from './dockerfile-steps.js';

type Mount =
  | { readonly target: string; readonly kind: 'context' | 'package' | 'built'; readonly source: string }
  | { readonly target: string; readonly kind: 'symlink'; readonly link: string }
  | { readonly target: string; readonly kind: 'dir' };

interface StageState {
  mounts: Mount[];
  workdir: string;
  env: Record<string, string>;
}

export interface ImageLayout {
  /** The image's `/`, on disk. */
  readonly root: string;
  /** The final stage's WORKDIR, on disk. */
  readonly workdir: string;
  /** The final stage's ENV. */
  readonly env: Readonly<Record<string, string>>;
  /** Maps an absolute image path to its place on disk. */
  onDisk(imagePath: string): string;
}

interface LockPackage {
  readonly dev?: boolean;
  readonly optional?: boolean;
  readonly link?: boolean;
  readonly resolved?: string;
}

/** Builds the final stage of `dockerfileText` under `outDir`, reading sources from `repoRoot`. */
export function assembleImageLayout(dockerfileText: string, repoRoot: string, outDir: string): ImageLayout {
  const ignored = dockerignore(repoRoot);
  const stages = new Map<string, StageState>();
  let last: StageState | undefined;
  for (const stage of parseDockerfile(dockerfileText)) {
    last = runStage(stage, stages, repoRoot, ignored);
    if (stage.name !== undefined) stages.set(stage.name, last);
  }
  if (last === undefined) throw new Error('Dockerfile: no stage');
  for (const mount of last.mounts) materialize(mount, outDir, repoRoot, ignored);
  const onDisk = (imagePath: string) => join(outDir, ...imagePath.split('/'));
  return { root: outDir, workdir: onDisk(last.workdir), env: last.env, onDisk };
}

function runStage(stage: DockerStage, stages: Map<string, StageState>, repoRoot: string, ignored: (rel: string) => boolean): StageState {
  const base = stages.get(stage.from);
  const state: StageState = base === undefined ? { mounts: [], workdir: '/', env: {} } : { mounts: [...base.mounts], workdir: base.workdir, env: { ...base.env } };
  const abs = (path: string) => posix.resolve(state.workdir, path);
  for (const { instruction, args } of stage.steps) {
    switch (instruction) {
      case 'WORKDIR':
        state.workdir = abs(args);
        break;
      case 'ENV':
        Object.assign(state.env, parseEnv(args));
        break;
      case 'COPY': {
        const copy = parseCopy(args);
        const dest = abs(copy.dest);
        const intoDir = copy.dest.endsWith('/') || copy.sources.length > 1;
        for (const source of copy.sources) {
          if (copy.from === undefined) {
            const onHost = join(repoRoot, source);
            if (!existsSync(onHost) || ignored(posix.normalize(source))) throw new Error(`Dockerfile: COPY ${source}: not in the build context (or excluded by .dockerignore)`);
            const target = statSync(onHost).isDirectory() || !intoDir ? dest : posix.join(dest, basename(source));
            state.mounts.push({ target, kind: 'context', source: onHost });
          } else {
            const from = stages.get(copy.from);
            if (from === undefined) throw new Error(`Dockerfile: COPY --from=${copy.from}: no such stage`);
            const carried = carry(from.mounts, posix.resolve(from.workdir, source), dest, intoDir);
            if (carried.length === 0) throw new Error(`Dockerfile: COPY --from=${copy.from} ${source}: nothing there`);
            state.mounts.push(...carried);
          }
        }
        break;
      }
      case 'RUN':
        for (const command of args.split('&&').map((c) => c.trim())) runCommand(command, state, repoRoot);
        break;
      case 'USER':
      case 'EXPOSE':
      case 'CMD':
      case 'ENTRYPOINT':
      case 'LABEL':
      case 'ARG':
        break;
      default:
        throw new Error(`Dockerfile: the layout test cannot emulate ${instruction}`);
    }
  }
  return state;
}

/** The mounts under `source` in a stage, re-rooted at `dest` (COPY --from semantics). */
function carry(mounts: readonly Mount[], source: string, dest: string, intoDir: boolean): Mount[] {
  const out: Mount[] = [];
  for (const mount of mounts) {
    if (mount.target === source && intoDir && 'source' in mount && statSync(mount.source).isFile()) {
      out.push({ ...mount, target: posix.join(dest, posix.basename(source)) }); // a file copied into a directory
    } else if (mount.target === source || mount.target.startsWith(`${source}/`)) {
      out.push({ ...mount, target: dest + mount.target.slice(source.length) });
    } else if (source.startsWith(`${mount.target}/`) && mount.kind !== 'symlink' && mount.kind !== 'dir') {
      const inner = join(mount.source, source.slice(mount.target.length + 1));
      if (!existsSync(inner)) continue;
      out.push({ ...mount, target: intoDir && statSync(inner).isFile() ? posix.join(dest, posix.basename(source)) : dest, source: inner });
    }
  }
  return out;
}

function runCommand(command: string, state: StageState, repoRoot: string): void {
  const words = command.split(/\s+/);
  if (words[0] === 'apt-get' || words[0] === 'rm' || words[0] === 'chown' || words[0] === 'chmod') return; // system packages and ownership: not part of the file layout
  if (words[0] === 'mkdir') {
    for (const dir of words.slice(1).filter((w) => !w.startsWith('-'))) state.mounts.push({ target: posix.resolve(state.workdir, dir), kind: 'dir' });
    return;
  }
  if (words[0] === 'npm' && words[1] === 'ci') {
    npmCi(state, repoRoot, words.includes('--omit=dev'));
    return;
  }
  if (command === 'npm run build') {
    for (const workspace of workspacesOf(repoRoot)) {
      const sources = posix.join(state.workdir, workspace);
      if (!state.mounts.some((m) => m.kind === 'context' && (m.target === sources || sources.startsWith(`${m.target}/`)))) continue; // not copied: tsc -b would not build it
      const dist = join(repoRoot, workspace, 'dist');
      if (!existsSync(dist)) throw new Error(`${workspace}/dist is missing: run \`npm run build\` before this test`);
      state.mounts.push({ target: posix.join(sources, 'dist'), kind: 'built', source: dist });
    }
    return;
  }
  throw new Error(`Dockerfile: the layout test cannot emulate RUN ${command}`);
}

/**
 * `npm ci [--omit=dev]`: every package the lockfile places (dev ones only without --omit=dev), at
 * the path the lockfile gives it, copied from this checkout's install of the same lockfile.
 */
function npmCi(state: StageState, repoRoot: string, omitDev: boolean): void {
  const hasLock = state.mounts.some((m) => m.kind === 'context' && m.target === posix.join(state.workdir, 'package-lock.json'));
  if (!hasLock) throw new Error('Dockerfile: npm ci before package-lock.json is copied');
  state.mounts = state.mounts.filter((m) => !m.target.split('/').includes('node_modules'));
  const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockPackage> };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path.split('/').includes('node_modules')) continue; // the root and the workspaces themselves
    if (omitDev && entry.dev === true) continue;
    const target = posix.join(state.workdir, path);
    if (entry.link === true) {
      state.mounts.push({ target, kind: 'symlink', link: posix.relative(posix.dirname(target), posix.join(state.workdir, entry.resolved ?? '')) });
      continue;
    }
    const source = join(repoRoot, path);
    if (!existsSync(source)) {
      if (entry.optional === true) continue; // an optional package for another platform
      throw new Error(`${path} is not installed in this checkout: run \`npm ci\` first`);
    }
    state.mounts.push({ target, kind: 'package', source });
  }
}

function materialize(mount: Mount, outDir: string, repoRoot: string, ignored: (rel: string) => boolean): void {
  const target = join(outDir, ...mount.target.split('/'));
  mkdirSync(dirname(target), { recursive: true });
  switch (mount.kind) {
    case 'dir':
      mkdirSync(target, { recursive: true });
      return;
    case 'symlink':
      if (!existsSync(target)) symlinkSync(mount.link, target);
      return;
    case 'context':
      cpSync(mount.source, target, { recursive: true, filter: (src) => !ignored(relative(repoRoot, src).split(sep).join('/')) });
      return;
    case 'package':
      // Nested node_modules are separate lockfile entries (and may be dev-only): never carried along.
      cpSync(mount.source, target, { recursive: true, filter: (src) => relative(mount.source, src).split(sep)[0] !== 'node_modules' });
      return;
    case 'built':
      cpSync(mount.source, target, { recursive: true, filter: (src) => !src.endsWith('.tsbuildinfo') });
  }
}

function workspacesOf(repoRoot: string): string[] {
  return (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
}

/** A .dockerignore as a predicate over context-relative paths (a path or any parent matching). */
function dockerignore(repoRoot: string): (rel: string) => boolean {
  const file = join(repoRoot, '.dockerignore');
  const patterns = existsSync(file)
    ? readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'))
    : [];
  if (patterns.some((p) => p.startsWith('!'))) throw new Error('.dockerignore: exceptions (!) are not emulated');
  const regexes = patterns.map((p) => {
    const body = p.replace(/^\/+|\/+$/g, '').split('**/').map((part) => part.split('*').map(escapeRegex).join('[^/]*')).join('(?:.*/)?');
    return new RegExp(`^${body}$`);
  });
  return (rel) => {
    if (rel === '') return false;
    const parts = rel.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (regexes.some((r) => r.test(prefix))) return true;
    }
    return false;
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
