// Command-line arguments: `lunadefend-collector [command] [--config <file>] [options]`.

export const COMMANDS = ['run', 'validate', 'preview', 'status', 'ledger', 'redeliver', 'verify', 'export', 'import-receipts'] as const;
export type Command = (typeof COMMANDS)[number];

export const DEFAULT_CONFIG_PATH = './otel-collector.yaml';

export interface CommandArgs {
  readonly ok: true;
  readonly command: Command;
  readonly configPath: string;
  readonly json: boolean;
  /** `ledger --since YYYY-MM-DD`: entries from that UTC day on. */
  readonly sinceDay: string | undefined;
  /** `redeliver <report_id>` or `redeliver --all`. */
  readonly reportId: string | undefined;
  readonly all: boolean;
  /** `export --out <file>`, or the receipts file of `import-receipts <file>`. */
  readonly file: string | undefined;
}

export type ParsedArgs = CommandArgs | { readonly ok: false; readonly error: string } | { readonly ok: 'help' };

export const USAGE = `usage: lunadefend-collector [command] [--config <file>] [options]

  run        start the collector (default)
  validate   check the configuration exactly as run does; exit 1 naming the key and the value
  preview    print, byte for byte, the reports that would be sent (open windows and outbox)
  status     mode and the variable that decided it, endpoint, outbox, dead letters, last send
  ledger     every report that left (or, in local mode, would have left): when, outcome, SHA-256
             [--json] with the exact bytes; [--since YYYY-MM-DD] from that UTC day on
  redeliver  <report_id> | --all: move dead letters back to the outbox, same report_id and bytes
  verify     check the receiver's signed log: every delivered report is in it, one history
  export     --out <file>: write the outbox to a file for air-gapped delivery (kept until receipts)
  import-receipts <file>: complete exported reports from the receiver's receipts file

  --config <file>  configuration file (default ${DEFAULT_CONFIG_PATH})
  --json           status and ledger as JSON`;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function parseArgs(argv: readonly string[]): ParsedArgs {
  let command: Command | undefined;
  let configPath = DEFAULT_CONFIG_PATH;
  let json = false;
  let all = false;
  let sinceDay: string | undefined;
  const positional: string[] = [];
  let file: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h' || arg === 'help') return { ok: 'help' };
    if (arg === '--json') json = true;
    else if (arg === '--all') all = true;
    else if (arg === '--config' || arg === '-c') {
      const value = argv[++i];
      if (value === undefined || value === '') return { ok: false, error: '--config needs a file name' };
      configPath = value;
    } else if (arg.startsWith('--config=')) configPath = arg.slice('--config='.length);
    else if (arg === '--since') {
      const value = argv[++i] ?? '';
      if (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) return { ok: false, error: `--since needs a UTC day (YYYY-MM-DD), got "${value}"` };
      sinceDay = value;
    } else if (arg === '--out') {
      file = argv[++i];
      if (file === undefined || file === '') return { ok: false, error: '--out needs a file name' };
    } else if ((COMMANDS as readonly string[]).includes(arg) && command === undefined) command = arg as Command;
    else if (!arg.startsWith('-') && command === 'redeliver') positional.push(arg);
    else if (!arg.startsWith('-') && command === 'import-receipts' && file === undefined) file = arg;
    else return { ok: false, error: `unknown argument "${arg}"` };
  }
  const chosen = command ?? 'run';
  if (sinceDay !== undefined && chosen !== 'ledger') return { ok: false, error: '--since belongs to ledger' };
  if (all && chosen !== 'redeliver') return { ok: false, error: '--all belongs to redeliver' };
  if (chosen === 'redeliver' && (positional.length > 1 || (positional.length === 1) === all)) {
    return { ok: false, error: 'redeliver needs one report_id or --all' };
  }
  if ((chosen === 'export' || chosen === 'import-receipts') && file === undefined) {
    return { ok: false, error: chosen === 'export' ? 'export needs --out <file>' : 'import-receipts needs a receipts file' };
  }
  if (file !== undefined && chosen !== 'export' && chosen !== 'import-receipts') return { ok: false, error: '--out belongs to export' };
  return { ok: true, command: chosen, configPath, json, sinceDay, reportId: positional[0], all, file };
}
