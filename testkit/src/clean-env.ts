// A child's environment with nothing in it that could decide telemetry or where it goes: a test
// that starts an instrumented program states every such variable itself.

/** This process's environment without OTEL_*, LUNADEFEND_*, DO_NOT_TRACK, NODE_OPTIONS, NODE_DEBUG; then `extra`. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(OTEL_|LUNADEFEND_|DO_NOT_TRACK$|NODE_OPTIONS$|NODE_DEBUG$)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}
