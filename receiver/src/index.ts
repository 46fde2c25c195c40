// Public API of @lunadefend/receiver.
export type {
  BlockedStack,
  DailyStats,
  DailyStatsQuery,
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
  WeeklyStats,
} from './storage/storage.js';
