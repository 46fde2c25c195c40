// `npm run bench`: runs every benchmark suite in its own process, one after another, so one
// suite's garbage and JIT state never colours another's figures.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const suites = ['instrumentation', 'collector', 'receiver'];
const only = process.argv.slice(2);
let failed = false;
for (const suite of suites) {
  if (only.length > 0 && !only.includes(suite)) continue;
  const entry = fileURLToPath(new URL(`./${suite}/index.js`, import.meta.url));
  if (!existsSync(entry)) {
    console.log(`\n# bench/${suite}: not present yet`);
    continue;
  }
  console.log(`\n# bench/${suite}`);
  const result = spawnSync(process.execPath, ['--expose-gc', entry], { stdio: 'inherit' });
  if (result.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
