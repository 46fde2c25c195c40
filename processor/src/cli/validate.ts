// `validate`: load the file exactly as `run` does — environment substitution, schema, the window
// rule, pipeline references, LUNADEFEND_STACK_ID — and say which key (or variable) is wrong.

import { ConfigError, configuredStackId, loadCollectorConfigFile, type CollectorConfig } from '@lunadefend/config';
import { checkPipeline } from '../pipeline.js';

export type Loaded = { readonly ok: true; readonly config: CollectorConfig; readonly warnings: readonly string[] } | { readonly ok: false; readonly error: ConfigError };

/** Loads and checks a configuration file; never throws for a bad file. */
export function loadAndCheck(path: string, env: NodeJS.ProcessEnv): Loaded {
  try {
    const { config, warnings } = loadCollectorConfigFile(path, env);
    checkPipeline(config);
    configuredStackId(env);
    return { ok: true, config, warnings };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, error };
    throw error;
  }
}

export function validateCommand(path: string, env: NodeJS.ProcessEnv, out: (line: string) => void): number {
  const loaded = loadAndCheck(path, env);
  if (!loaded.ok) {
    out(`invalid configuration ${path}: ${loaded.error.message}`);
    if (loaded.error.key !== '') out(`key: ${loaded.error.key}`);
    return 1;
  }
  for (const warning of loaded.warnings) out(`warning: ${warning}`);
  out(`configuration ${path} is valid`);
  return 0;
}
