// Builds the package-lock.json of an empty project that installs the packed package, from the
// repository's own lockfile: the same versions and integrity hashes, so `npm ci --offline`
// installs everything from npm's local cache (filled by the repository's `npm ci`) and never
// asks a registry. A package missing from that lockfile fails the build of the lock, loudly.

import { readFileSync } from 'node:fs';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  optionalDependencies?: Record<string, string>;
  [key: string]: unknown;
}

export interface TarballDependency {
  readonly name: string;
  readonly spec: string;
  readonly integrity: string;
  readonly manifest: { version: string; dependencies?: Record<string, string> };
}

/**
 * A lockfile for a project whose package.json depends on `tarball` (a file: spec) and, as dev
 * dependencies, on `devNames` at the repository's versions. Paths follow the repository's
 * hoisted layout, which stays valid for any subset closed under resolution.
 */
export function offlineLock(repoLockPath: string, tarball: TarballDependency, devNames: readonly string[]): { lock: object; devDependencies: Record<string, string> } {
  const repo = (JSON.parse(readFileSync(repoLockPath, 'utf8')) as { packages: Record<string, LockEntry> }).packages;
  const out: Record<string, LockEntry> = {};

  // Node's lookup, over lockfile paths: own node_modules first, then each ancestor's.
  const locate = (from: string, name: string): string => {
    for (let base = from; ; ) {
      const candidate = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
      if (repo[candidate] !== undefined && !repo[candidate].link) return candidate;
      if (base === '') throw new Error(`${name} (needed by ${from || 'the project'}) is not in the repository's lockfile`);
      const cut = base.lastIndexOf('/node_modules/');
      base = cut < 0 ? '' : base.slice(0, cut);
    }
  };
  const visit = (path: string): void => {
    if (out[path] !== undefined) return;
    const entry = repo[path]!;
    // The repository's lockfile leaves registry URLs out; npm fetches by name then, which needs
    // the registry's package document. With the tarball URL written in, npm finds the tarball in
    // its cache by integrity and asks no one.
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const resolved = entry.resolved ?? `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`;
    out[path] = { ...entry, resolved };
    const optionalPeers = entry.peerDependenciesMeta ?? {};
    const needed = [
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.peerDependencies ?? {}).filter((name) => optionalPeers[name]?.optional !== true),
    ];
    for (const name of needed) visit(locate(path, name));
  };

  for (const name of Object.keys(tarball.manifest.dependencies ?? {})) visit(locate('', name));
  const devDependencies: Record<string, string> = {};
  for (const name of devNames) {
    const path = locate('', name);
    devDependencies[name] = repo[path]!.version!;
    visit(path);
    out[path] = { ...out[path]!, dev: true };
  }
  const lock = {
    name: 'service',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'service', dependencies: { [tarball.name]: tarball.spec }, devDependencies },
      [`node_modules/${tarball.name}`]: {
        version: tarball.manifest.version,
        resolved: tarball.spec,
        integrity: tarball.integrity,
        ...(tarball.manifest.dependencies ? { dependencies: tarball.manifest.dependencies } : {}),
      },
      ...out,
    },
  };
  return { lock, devDependencies };
}
