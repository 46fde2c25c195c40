#!/usr/bin/env node
// lunadefend-collector: parse arguments, load the configuration, run the command. The only place
// that exits the process; a bad configuration, a listener that cannot bind or an unusable state
// stops it with one line that says what is wrong and where.

import { parseArgs, USAGE } from './cli/args.js';
import { ledgerCommand } from './cli/ledger.js';
import { previewCommand } from './cli/preview.js';
import { redeliverCommand } from './cli/redeliver.js';
import { runCommand } from './cli/run.js';
import { statusCommand } from './cli/status.js';
import { verifyCommand } from './cli/verify.js';
import { exportCommand } from './cli/export.js';
import { importReceiptsCommand } from './cli/import-receipts.js';
import { loadAndCheck, validateCommand } from './cli/validate.js';
import { CollectorError } from './errors.js';

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.ok === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (!args.ok) {
    console.error(`${args.error}\n${USAGE}`);
    return 2;
  }
  const env = process.env;
  if (args.command === 'validate') return validateCommand(args.configPath, env, (line) => console.log(line));
  const loaded = loadAndCheck(args.configPath, env);
  if (!loaded.ok) {
    console.error(`invalid configuration ${args.configPath}: ${loaded.error.message}`);
    return 1;
  }
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const stateDirectory = loaded.config.extensions.file_storage.directory;
  const err = (line: string) => process.stderr.write(`${line}\n`);
  switch (args.command) {
    case 'preview':
      return previewCommand(loaded.config, out);
    case 'status':
      return statusCommand(loaded.config, env, args.json, out);
    case 'ledger':
      return ledgerCommand(stateDirectory, { json: args.json, sinceDay: args.sinceDay }, out);
    case 'redeliver':
      return redeliverCommand(stateDirectory, { reportId: args.reportId, all: args.all }, Date.now(), out);
    case 'verify':
      return verifyCommand(loaded.config, out, err);
    case 'export':
      return exportCommand(loaded.config, args.file ?? '', Date.now(), out, err);
    case 'import-receipts':
      return importReceiptsCommand(loaded.config, args.file ?? '', Date.now(), out, err);
    case 'run':
      for (const warning of loaded.warnings) console.error(`warning: ${warning}`);
      return runCommand(loaded.config, env);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // Exit explicitly: after a clean shutdown nothing is left to do, whatever handle lingers.
    process.exit(code);
  },
  (error: unknown) => {
    const code = error instanceof CollectorError ? error.code : 'FATAL';
    process.stderr.write(`lunadefend-collector: ${code}: ${error instanceof Error ? error.message : String(error)}\n`);
    // Never half-run: whatever the failed start left open (a listener, a timer) ends with the process.
    process.exit(1);
  },
);
