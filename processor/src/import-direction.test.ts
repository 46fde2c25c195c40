// The collector's rooms are layered: vocabulary at the base, storage and own telemetry above it,
// the stages above those, the composition (pipeline, collector, scheduler) above the stages, and
// the command line on top. A module may import its own room, or a room of a lower layer; the
// stages of one layer never import each other (a stage receives its next stage, pipeline.ts wires
// them). This test reads the imports of every product file and fails on an import that points up.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));

interface Layer {
  readonly name: string;
  /** Folders (ending in '/') and top-level files of this layer. */
  readonly rooms: readonly string[];
  /** Whether rooms of this layer may import each other. */
  readonly roomsMayMeet: boolean;
}

const LAYERS: readonly Layer[] = [
  { name: 'vocabulary', rooms: ['model/'], roomsMayMeet: false },
  { name: 'contracts', rooms: ['errors.ts', 'component.ts'], roomsMayMeet: true },
  { name: 'storage and own telemetry', rooms: ['state/', 'telemetry/'], roomsMayMeet: false },
  { name: 'stages', rooms: ['otlp/', 'privacy/', 'delta/', 'window/', 'export/', 'transparency/'], roomsMayMeet: false },
  { name: 'composition', rooms: ['aggregate/', 'schedule/', 'pipeline.ts', 'collector.ts'], roomsMayMeet: true },
  { name: 'command line', rooms: ['cli/', 'main.ts', 'index.ts'], roomsMayMeet: true },
];

function roomOf(file: string): string | undefined {
  const slash = file.indexOf('/');
  return slash === -1 ? file : file.slice(0, slash + 1);
}

function layerOf(room: string): number {
  return LAYERS.findIndex((layer) => layer.rooms.includes(room));
}

/** Relative imports of a source text ("from '…'" and bare "import '…'"), as written. */
export function importsOf(text: string): string[] {
  return [...text.matchAll(/(?:from|import)\s+'(\.{1,2}\/[^']+)'/g)].map((m) => m[1] as string);
}

/** Every import among `files` (path relative to src → text) that breaks the layering, as "a -> b". */
export function wrongImports(files: ReadonlyMap<string, string>): string[] {
  const wrong: string[] = [];
  for (const [file, text] of files) {
    const from = roomOf(file);
    if (from === undefined || from === 'testing/') continue;
    for (const spec of importsOf(text)) {
      const target = relative(SRC, join(SRC, dirname(file), spec)).replace(/\.js$/, '.ts');
      const to = roomOf(target);
      if (to === undefined || to === from) continue;
      const fromLayer = layerOf(from);
      const toLayer = layerOf(to);
      const ok = to !== 'testing/' && fromLayer !== -1 && toLayer !== -1 && (toLayer < fromLayer || (toLayer === fromLayer && (LAYERS[fromLayer] as Layer).roomsMayMeet));
      if (!ok) wrong.push(`${file} -> ${target}`);
    }
  }
  return wrong.sort();
}

function productFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(SRC, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
    const path = relative(SRC, join(entry.parentPath, entry.name));
    files.set(path, readFileSync(join(SRC, path), 'utf8'));
  }
  return files;
}

/** Who may write each section of the state file's notice board (state/notice-board.ts). */
const NOTICE_OWNERS: Readonly<Record<string, readonly string[]>> = {
  IDENTITY_NOTICES: ['state/state-identity.ts'],
  DELTA_NOTICES: ['delta/'],
  EXPORT_NOTICES: ['export/'],
  START_NOTICES: ['collector.ts'],
  VERIFY_NOTICES: ['transparency/'],
  HEALTH_NOTICES: ['state/state-handle.ts'],
};

/** Writes to the notice board from a file that does not own the section, and raw uses of the table. */
export function wrongNoticeWriters(files: ReadonlyMap<string, string>): string[] {
  const wrong: string[] = [];
  for (const [file, text] of files) {
    if (file.startsWith('testing/')) continue;
    if (file !== 'state/notice-board.ts' && /\.metadata\.(get|set)\(/.test(text)) wrong.push(`${file} uses the metadata table directly`);
    for (const m of text.matchAll(/\b([A-Z]+_NOTICES)\.\w+\.set\(/g)) {
      const section = m[1] as string;
      const owners = NOTICE_OWNERS[section] ?? [];
      if (!owners.some((owner) => file === owner || (owner.endsWith('/') && file.startsWith(owner)))) wrong.push(`${file} writes ${section}`);
    }
  }
  return [...new Set(wrong)].sort();
}

describe('import direction', () => {
  it('places every product file of the collector in a layer', () => {
    const unplaced = [...productFiles().keys()].filter((file) => roomOf(file) !== 'testing/' && layerOf(roomOf(file) as string) === -1);
    expect(unplaced).toEqual([]);
  });

  it('has no product file import a higher layer, a sibling stage or test support', () => {
    expect(wrongImports(productFiles())).toEqual([]);
  });

  it('has each note of the state file written only by its owner', () => {
    expect(wrongNoticeWriters(productFiles())).toEqual([]);
    const planted = new Map([
      ['window/sealer.ts', 'EXPORT_NOTICES.lastSend.set(store, x); store.metadata.set("k", "v");'],
      ['export/report-exporter.ts', 'EXPORT_NOTICES.lastSend.set(store, x); IDENTITY_NOTICES.epochNs.get(store);'],
    ]);
    expect(wrongNoticeWriters(planted)).toEqual(['window/sealer.ts uses the metadata table directly', 'window/sealer.ts writes EXPORT_NOTICES']);
  });

  it('finds an upward import, a stage importing a stage, and product code importing test support', () => {
    const planted = new Map([
      ['model/rows.ts', "import type { StateStore } from '../state/state-store.js';"],
      ['delta/to-delta.ts', "import { filterRequest } from '../privacy/allowlist-filter.js';"],
      ['export/report-exporter.ts', "import { makeFixture } from '../testing/collector-fixture.js';"],
      ['cli/run.ts', "import { createCollector } from '../collector.js';"],
    ]);
    expect(wrongImports(planted)).toEqual([
      'delta/to-delta.ts -> privacy/allowlist-filter.ts',
      'export/report-exporter.ts -> testing/collector-fixture.ts',
      'model/rows.ts -> state/state-store.ts',
    ]);
  });
});
