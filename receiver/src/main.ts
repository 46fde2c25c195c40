#!/usr/bin/env node
// lunadefend-receiver: `serve` (default), `migrate`, the block list (`block <stack_id>
// [--reason <text>]`, `unblock <stack_id>`, `blocked`) and the transparency log's `keygen`.
// Configuration comes from environment variables only (see docs/configuration.md). The only
// module that exits the process.

import { readFileSync } from 'node:fs';
import { UUID_V4_PATTERN } from '@lunadefend/config';
import { loadReceiverConfig, ReceiverConfigError, type ReceiverConfig } from './config.js';
import { createLogger } from './logger.js';
import { createReceiver } from './receiver.js';
import { describeTarget, openStorage } from './storage/open-storage.js';
import { importExportFile } from './transparency/import-file.js';
import { DEFAULT_LOG_NAME, writeNewLogKey } from './transparency/log-key.js';

const USAGE = `usage: lunadefend-receiver [serve]
       lunadefend-receiver migrate
       lunadefend-receiver block <stack_id> [--reason <text>]
       lunadefend-receiver unblock <stack_id>
       lunadefend-receiver blocked
       lunadefend-receiver keygen [--out <file>] [--name <log name>]
       lunadefend-receiver import <export file> [--receipts <file>]`;

function fail(message: string, code = 2): never {
  process.stderr.write(`lunadefend-receiver: ${message}\n`);
  process.exit(code);
}

function stackIdArgument(value: string | undefined): string {
  if (value === undefined || !new RegExp(UUID_V4_PATTERN).test(value)) fail(`expected a lowercase UUID v4 stack id\n${USAGE}`);
  return value;
}

async function serve(config: ReceiverConfig): Promise<void> {
  const logger = createLogger({ level: config.logLevel });
  const receiver = createReceiver({ config, logger });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'receiver: shutting down');
    receiver.shutdown().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  try {
    await receiver.start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const isListen = (error as NodeJS.ErrnoException).syscall === 'listen';
    logger.fatal({ error: (error as Error).message }, 'receiver: could not start');
    await receiver.shutdown().catch(() => undefined);
    // One line that names the address and the variables that set it, not only a log record.
    if (isListen) process.stderr.write(`lunadefend-receiver: cannot listen on ${config.host}:${config.port} (HOST, PORT): ${code ?? (error as Error).message}\n`);
    process.exit(1);
  }
}

async function withStorage(config: ReceiverConfig, run: (storage: ReturnType<typeof openStorage>) => Promise<void>): Promise<void> {
  const storage = openStorage(config.database, 1);
  try {
    await storage.migrate();
    await run(storage);
  } finally {
    await storage.close();
  }
}

/** Writes a new log key to --out (default $LUNADEFEND_LOG_KEY_FILE) and prints the public key to pin. */
function keygen(args: readonly string[], env: NodeJS.ProcessEnv): void {
  const option = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i === -1 ? undefined : (args[i + 1] ?? fail(`${name} needs a value`));
  };
  const out = option('--out') ?? env.LUNADEFEND_LOG_KEY_FILE?.trim() ?? '';
  if (out === '') fail(`keygen needs --out <file> or LUNADEFEND_LOG_KEY_FILE\n${USAGE}`);
  const verifier = writeNewLogKey(out, option('--name') ?? DEFAULT_LOG_NAME);
  process.stdout.write(
    `wrote a new log signing key to ${out} (keep it secret; give every replica the same file)\n` +
      `public key, for collectors to pin as exporters.lunadefend.log_public_key:\n${verifier}\n`,
  );
}

async function main(argv: string[]): Promise<void> {
  const [command = 'serve', ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  // keygen runs before the configuration is read: that check wants the key file to exist.
  if (command === 'keygen') return keygen(rest, process.env);
  let config: ReceiverConfig;
  try {
    config = loadReceiverConfig(process.env);
  } catch (error) {
    if (error instanceof ReceiverConfigError) fail(`invalid configuration: ${error.message}`);
    throw error;
  }
  switch (command) {
    case 'serve':
      if (rest.length > 0) fail(`unexpected argument ${JSON.stringify(rest[0])}\n${USAGE}`);
      return serve(config);
    case 'migrate': {
      const storage = openStorage(config.database, 1);
      try {
        const applied = await storage.migrate();
        const version = await storage.schemaVersion();
        process.stdout.write(
          `${describeTarget(config.database)}: ${applied.length === 0 ? 'up to date' : `applied ${applied.join(', ')}`} (schema version ${version})\n`,
        );
      } finally {
        await storage.close();
      }
      return;
    }
    case 'block': {
      const stackId = stackIdArgument(rest[0]);
      const reasonIndex = rest.indexOf('--reason');
      const reason = reasonIndex === -1 ? '' : (rest[reasonIndex + 1] ?? fail('--reason needs a value'));
      return withStorage(config, async (storage) => {
        await storage.blockStack(stackId, reason, new Date());
        process.stdout.write(`blocked ${stackId} (takes effect within 10 s on every replica)\n`);
      });
    }
    case 'unblock': {
      const stackId = stackIdArgument(rest[0]);
      return withStorage(config, async (storage) => {
        const removed = await storage.unblockStack(stackId);
        process.stdout.write(removed ? `unblocked ${stackId}\n` : `${stackId} was not blocked\n`);
      });
    }
    case 'blocked':
      return withStorage(config, async (storage) => {
        for (const entry of await storage.blockedStacks()) {
          process.stdout.write(`${entry.stackId}\t${entry.blockedAt}\t${entry.reason}\n`);
        }
      });
    case 'import': {
      const file = rest[0];
      if (file === undefined || file.startsWith('-')) fail(`import needs an export file\n${USAGE}`);
      const at = rest.indexOf('--receipts');
      const receiptsPath = at === -1 ? `${file}.receipts` : (rest[at + 1] ?? fail('--receipts needs a file name'));
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        return fail(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, 1);
      }
      const result = await importExportFile(config, text, receiptsPath, createLogger({ level: 'warn' }));
      if (!result.ok) fail(`refused ${file}: ${result.error}; nothing was stored`, 1);
      const count = (o: string) => result.value.receipts.filter((r) => r.outcome === o).length;
      process.stdout.write(
        `imported ${file}: ${count('accepted')} accepted, ${count('duplicate')} duplicate, ${count('rejected')} rejected; receipts written to ${receiptsPath}\n`,
      );
      for (const r of result.value.receipts.filter((x) => x.outcome === 'rejected')) process.stdout.write(`rejected ${r.reportId}: ${r.error}\n`);
      return;
    }
    default:
      fail(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => fail((error as Error).message, 1));
