// What the dashboard needs from the receiver. The receiver's app wires these once; the dashboard
// never reads the environment or opens storage itself.

import type { ClientKeyHasher } from '../abuse/client-key.js';
import type { Storage } from '../storage/storage.js';
import type { PublicStatsSourceOptions } from './public-stats-source.js';

/** The slice of a pino logger the dashboard uses (messages are prefixed with "dashboard:"). */
export interface DashboardLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface DashboardDeps {
  readonly storage: Storage;
  /** LUNADEFEND_ADMIN_TOKEN; when undefined the signed-in dashboard is off and /stats still works. */
  readonly adminToken: string | undefined;
  /** How /stats is released: privacy policy (k included), cohort rule, noise, and when weeks are final. */
  readonly publicRelease: Omit<PublicStatsSourceOptions, 'storage' | 'now'>;
  /** LUNADEFEND_PUBLIC_URL's origin: what the same-origin check compares Origin with. */
  readonly publicUrl: string | undefined;
  /** Turns a client address into the opaque key the sign-in throttle counts under. */
  readonly clientKeys: ClientKeyHasher;
  readonly logger: DashboardLogger;
  /** Injected clock: session expiry, default date ranges and the /stats cache all read it. */
  readonly now: () => Date;
}
