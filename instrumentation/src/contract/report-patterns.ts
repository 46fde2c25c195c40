// The shapes a report's identity fields must have: the service version and the stack id. The
// instrumentation checks them where a service hands them in, and the report schema
// (config/src/report-schema.ts) uses the same ones on the wire.

/** Canonical lowercase UUID v4. */
export const UUID_V4_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$';

/** Semantic Versioning 2.0.0 (the pattern published at semver.org). */
export const SEMVER_PATTERN =
  '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)' +
  '(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?' +
  '(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$';

export const VERSION_MAX_LENGTH = 64;
