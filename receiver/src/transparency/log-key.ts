// The log's signing key file: one line, the signer key text of a C2SP signed note
// ("PRIVATE+KEY+<name>+<key ID>+<key>"). Created only by `lunadefend-receiver keygen`, never on
// start-up: replicas that each made a key would sign checkpoints nobody could check against one
// pinned public key. The key is never logged; its public half is served at /v1/log/key.

import { readFileSync, writeFileSync } from 'node:fs';
import { generateNoteKey, parseNoteSigner, type NoteSigner } from '@lunadefend/config';

/** Default key name (the checkpoints' origin line) when keygen is not given one. */
export const DEFAULT_LOG_NAME = 'lunadefend.example/telemetry-log';

export class LogKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogKeyError';
  }
}

/** Reads and parses the key file; throws LogKeyError naming the file, never echoing its content. */
export function readLogKey(path: string): NoteSigner {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new LogKeyError(`cannot read the log key file ${JSON.stringify(path)}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const signer = parseNoteSigner(text);
  if (signer === undefined) throw new LogKeyError(`the log key file ${JSON.stringify(path)} does not hold a signer key made by \`lunadefend-receiver keygen\``);
  return signer;
}

/**
 * Writes a new key to `path` (mode 0600) and returns the public verifier key. Refuses to replace an
 * existing file: a new key starts a log no earlier checkpoint can be checked against.
 */
export function writeNewLogKey(path: string, name: string): string {
  let key: ReturnType<typeof generateNoteKey>;
  try {
    key = generateNoteKey(name);
  } catch (error) {
    throw new LogKeyError((error as Error).message);
  }
  try {
    writeFileSync(path, `${key.signerText}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LogKeyError(
      code === 'EEXIST'
        ? `${JSON.stringify(path)} exists; a log key is made once and kept (remove the file yourself to start a new log)`
        : `cannot write ${JSON.stringify(path)}: ${code ?? 'error'}`,
    );
  }
  return key.verifierText;
}
