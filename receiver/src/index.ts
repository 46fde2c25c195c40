// Public API of @lunadefend/receiver.
export { createReceiver, type Receiver, type ReceiverAddress, type ReceiverOptions } from './receiver.js';
export { createApp, type AppDeps } from './app.js';
export {
  defaultReceiverConfig,
  loadReceiverConfig,
  ReceiverConfigError,
  type RateLimit,
  type ReceiverConfig,
} from './config.js';
export { RECEIVER_ERRORS, RECEIVER_ERROR_CODES, ReceiverError, type ReceiverErrorCode } from './errors.js';
export { requireBearerToken, tokensMatch } from './auth/bearer-token.js';
export { ingestKeyHashLine, parseIngestKeys } from './auth/ingest-keys.js';
export { createLogger } from './logger.js';
export { createSqliteStorage, type SqliteStorageOptions } from './storage/sqlite.js';
export { createPostgresStorage, type PostgresStorageOptions } from './storage/postgres.js';
export { openStorage, parseDatabaseUrl, type StorageTarget } from './storage/open-storage.js';
export { SQLITE_MIGRATIONS, type Migration } from './storage/sqlite-migrations.js';
export { POSTGRES_MIGRATIONS } from './storage/postgres-migrations.js';
export { nextMigrationVersion, postgresMetricMigration, sqliteMetricMigration } from './storage/metric-migrations.js';
export { isoWeekStart, parseDay, utcDay } from './storage/days.js';
export { dailyStats, weeklyStats, withStats, type DailyStats, type StatsQuery, type WeeklyStats } from './stats/period-stats.js';
export type { PeriodFigures } from './stats/period-figures.js';
export type {
  BlockedStack,
  DayRange,
  DeploymentSummary,
  DeploymentsPage,
  DeploymentsQuery,
  FlaggedQuery,
  FlaggedReport,
  InsertOptions,
  InsertOutcome,
  RetentionResult,
  Storage,
  StorageBackend,
} from './storage/storage.js';
