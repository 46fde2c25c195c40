// The only two attributes that survive the collector: service.version (the report's semver
// version) and lunadefend.stack_id (a random UUID v4 per deployment). Everything else is read
// only to key streams (stream-key.ts) and never leaves the request.

import { SEMVER_PATTERN, UUID_V4_PATTERN, VERSION_MAX_LENGTH } from '@lunadefend/config';
import type { KeyValue } from '../model/metrics-request.js';

export const VERSION_ATTRIBUTE = 'service.version';
export const STACK_ID_ATTRIBUTE = 'lunadefend.stack_id';

const semver = new RegExp(SEMVER_PATTERN);
const uuidV4 = new RegExp(UUID_V4_PATTERN);

export type IdentityResult =
  | { readonly ok: true; readonly version: string; readonly stackId: string }
  | { readonly ok: false; readonly reason: 'missing_version' | 'invalid_version' | 'invalid_stack_id' };

/** Normalises a stack id to lowercase; undefined when it is not a UUID v4. */
export function normalizeStackId(text: string): string | undefined {
  const lower = text.trim().toLowerCase();
  return uuidV4.test(lower) ? lower : undefined;
}

/** True for a report-worthy version: semver, at most VERSION_MAX_LENGTH characters. */
export function isReportVersion(text: string): boolean {
  return text.length >= 5 && text.length <= VERSION_MAX_LENGTH && semver.test(text);
}

/**
 * Reads version and stack id from resource attributes. A missing stack id falls back to
 * `defaultStackId` (LUNADEFEND_STACK_ID of the collector, else the one kept in the state file);
 * a present but malformed one is refused rather than replaced, so data is never misattributed.
 */
export function readIdentity(resourceAttributes: readonly KeyValue[], defaultStackId: string): IdentityResult {
  let version: string | undefined;
  let versionSeen = false;
  let stackId: string | undefined;
  let stackIdSeen = false;
  for (const { key, value } of resourceAttributes) {
    if (key === VERSION_ATTRIBUTE) {
      versionSeen = true;
      version = value.kind === 'string' ? value.value : undefined;
    } else if (key === STACK_ID_ATTRIBUTE) {
      stackIdSeen = true;
      stackId = value.kind === 'string' ? normalizeStackId(value.value) : undefined;
    }
  }
  if (!versionSeen) return { ok: false, reason: 'missing_version' };
  if (version === undefined || !isReportVersion(version)) return { ok: false, reason: 'invalid_version' };
  if (stackIdSeen && stackId === undefined) return { ok: false, reason: 'invalid_stack_id' };
  return { ok: true, version, stackId: stackId ?? defaultStackId };
}
