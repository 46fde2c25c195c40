// Serves the front end's files: our hand-written scripts and styles from src/dashboard/assets,
// and uPlot's published build straight from node_modules (no copy in the repository, no build
// step, no CDN). The directory is resolved from the package root, which is the same for a source
// run (src/dashboard) and a built one (dist/dashboard), because tsc copies no non-TS files.
// Every file is read once at start-up, so a missing asset stops the receiver before it serves.

import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';

export const ASSETS_DIR = fileURLToPath(new URL('../../src/dashboard/assets/', import.meta.url));

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** uPlot files served under vendor/, resolved through the package so its version is whatever npm installed. */
const VENDOR_FILES: Record<string, string> = {
  'uPlot.esm.js': 'uplot/dist/uPlot.esm.js',
  'uPlot.min.css': 'uplot/dist/uPlot.min.css',
};

interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

export function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(ASSETS_DIR)) {
    const type = TYPES[extname(name)];
    if (type !== undefined) assets.set(name, { body: readFileSync(join(ASSETS_DIR, name)), type });
  }
  const require = createRequire(import.meta.url);
  for (const [name, specifier] of Object.entries(VENDOR_FILES)) {
    const type = TYPES[extname(name)] ?? 'application/octet-stream';
    assets.set(`vendor/${name}`, { body: readFileSync(require.resolve(specifier)), type });
  }
  return assets;
}

/** GET <mount>/<name> and <mount>/vendor/<name>; anything else under the mount answers 404. */
export function createAssetsRouter(assets: ReadonlyMap<string, Asset>): Router {
  const router = Router();
  router.get(['/:name', '/vendor/:name'], (req, res) => {
    const key = req.path.slice(1);
    const asset = assets.get(key);
    if (asset === undefined) {
      res.status(404).type('text/plain').send('Not found.\n');
      return;
    }
    // Revalidate on every load (express adds an ETag, so an unchanged file costs a 304).
    res.set('Cache-Control', 'no-cache').type(asset.type).send(asset.body);
  });
  return router;
}
