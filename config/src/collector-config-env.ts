// The collector's settings that come from the environment rather than otel-collector.yaml, checked
// by the same code for `validate` and `run`: LUNADEFEND_STACK_ID, when set, is a UUID v4.

import { ConfigError } from './collector-config.js';
import { UUID_V4_PATTERN } from './report-schema.js';

const uuidV4 = new RegExp(UUID_V4_PATTERN);

/** The configured stack id, lowercased; undefined when unset or empty. Throws ConfigError naming the variable. */
export function configuredStackId(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.LUNADEFEND_STACK_ID?.trim();
  if (raw === undefined || raw === '') return undefined;
  const lower = raw.toLowerCase();
  if (!uuidV4.test(lower)) {
    throw new ConfigError('LUNADEFEND_STACK_ID', `${JSON.stringify(raw)} is not a UUID v4 (generate one with \`uuidgen\`, or leave it unset)`);
  }
  return lower;
}
