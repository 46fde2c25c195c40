// `${env:VAR}`, `${env:VAR:-default}`, `${VAR}` and the `$$` escape, as the OpenTelemetry
// Collector expands them. Substitution applies to scalar values; the caller decides types after.

const NAME = '[a-zA-Z_][a-zA-Z0-9_]*';
// `$$` first so an escaped `$${env:X}` is never expanded.
const TOKEN = new RegExp(`\\$\\$|\\$\\{(?:env:)?(${NAME})(?::-([^}]*))?\\}|\\$\\{([^}]*)\\}`, 'g');

export class EnvSubstitutionError extends Error {
  readonly code = 'CONFIG_ENV_REFERENCE';
}

export interface Substitution {
  readonly value: string;
  /** Variables referenced without a default and not set (they expand to the empty string). */
  readonly unset: readonly string[];
}

/** Expands environment references in one scalar. Throws on a malformed `${...}` reference. */
export function substituteEnv(text: string, env: NodeJS.ProcessEnv): Substitution {
  const unset: string[] = [];
  const value = text.replace(TOKEN, (match, name: string | undefined, fallback: string | undefined, bad: string | undefined) => {
    if (match === '$$') return '$';
    if (name === undefined) throw new EnvSubstitutionError(`malformed environment reference "\${${bad ?? ''}}"`);
    const found = env[name];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    if (found === undefined) unset.push(name);
    return '';
  });
  return { value, unset };
}
