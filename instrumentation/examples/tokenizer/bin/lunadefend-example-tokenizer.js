#!/usr/bin/env node
// The installed `lunadefend-example-tokenizer` command. Committed rather than built: npm links a bin only when its
// target exists at install time, and dist/ is made later by `npm run build`.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('lunadefend-example-tokenizer: not built yet; run `npm run build` first\n');
  process.exit(1);
}
await import(entry.href);
