// PostgreSQL for tests. `.ci/run` starts a server and exports LUNADEFEND_TEST_DATABASE_URL; each
// suite creates a database of its own and drops it afterwards. Under CI=true a suite that cannot
// reach PostgreSQL fails; on a laptop without it, the suite is skipped with a one-line reason.

import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_DATABASE_URL_VARIABLE = 'LUNADEFEND_TEST_DATABASE_URL';

export interface TestDatabase {
  /** Connection URL of the fresh database. */
  readonly url: string;
  /** Drops the database (terminating leftover connections). */
  drop(): Promise<void>;
}

export type PostgresAvailability = { available: true; adminUrl: string } | { available: false; reason: string };

/** Whether PostgreSQL is reachable; throws under CI=true when it is not (never skip in CI). */
export async function postgresAvailability(env: NodeJS.ProcessEnv = process.env): Promise<PostgresAvailability> {
  const adminUrl = env[TEST_DATABASE_URL_VARIABLE];
  const required = env.CI === 'true';
  const unavailable = (reason: string): PostgresAvailability => {
    if (required) throw new Error(`PostgreSQL is required under CI=true: ${reason}`);
    return { available: false, reason };
  };
  if (adminUrl === undefined || adminUrl === '') return unavailable(`${TEST_DATABASE_URL_VARIABLE} is not set`);
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
    return { available: true, adminUrl };
  } catch (error) {
    return unavailable(`cannot connect to ${redact(adminUrl)}: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates an empty database with a random name (after `prefix`) next to the admin URL's database. */
export async function createTestDatabase(adminUrl: string, prefix = 'lunadefend_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      // `with (force)` ends connections a test left open, but is refused while an autovacuum
      // worker (a superuser's process, not ours to end) is on the database after many inserts;
      // a plain drop stops that worker itself. Both are tried, for up to about ten seconds.
      for (let attempt = 1; ; attempt += 1) {
        const client = new pg.Client({ connectionString: adminUrl });
        await client.connect();
        try {
          await client.query(`drop database if exists ${name}${attempt % 2 === 1 ? ' with (force)' : ''}`);
          return;
        } catch (error) {
          if (attempt >= 20) throw error;
          await new Promise((resolve) => setTimeout(resolve, 500));
        } finally {
          await client.end();
        }
      }
    },
  };
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable URL>';
  }
}
