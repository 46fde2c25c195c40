// Command-line arguments: `lunadefend-collector [run|validate|preview|status] [--config <file>]`.

export const COMMANDS = ['run', 'validate', 'preview', 'status'] as const;
export type Command = (typeof COMMANDS)[number];

export const DEFAULT_CONFIG_PATH = './otel-collector.yaml';

export type ParsedArgs =
  | { readonly ok: true; readonly command: Command; readonly configPath: string; readonly json: boolean }
  | { readonly ok: false; readonly error: string }
  | { readonly ok: 'help' };

export const USAGE = `usage: lunadefend-collector [run|validate|preview|status] [--config <file>] [--json]

  run       start the collector (default)
  validate  check the configuration (schema and pipeline references); exit 1 naming the key
  preview   print, byte for byte, the reports that would be sent (open windows and outbox)
  status    mode and the variable that decided it, endpoint, outbox, dead letters, last send

  --config <file>  configuration file (default ${DEFAULT_CONFIG_PATH})
  --json           status as JSON`;

export function parseArgs(argv: readonly string[]): ParsedArgs {
  let command: Command | undefined;
  let configPath = DEFAULT_CONFIG_PATH;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h' || arg === 'help') return { ok: 'help' };
    if (arg === '--json') json = true;
    else if (arg === '--config' || arg === '-c') {
      const value = argv[++i];
      if (value === undefined || value === '') return { ok: false, error: '--config needs a file name' };
      configPath = value;
    } else if (arg.startsWith('--config=')) configPath = arg.slice('--config='.length);
    else if ((COMMANDS as readonly string[]).includes(arg) && command === undefined) command = arg as Command;
    else return { ok: false, error: `unknown argument "${arg}"` };
  }
  return { ok: true, command: command ?? 'run', configPath, json };
}
