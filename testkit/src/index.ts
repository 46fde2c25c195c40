// The test kit: the one launcher of real processes, and the helpers every package's tests and the
// local demo share (a PostgreSQL database of a test's own, polling, free ports, a server that
// records what it is sent and the OTLP endpoint built on it, reading a receiver, driving the
// example tokenizer). A development package: no product package depends on it at run time, and
// it depends on none of them.

export { ENTRY_POINTS, REPO_ROOT, STOP_GRACE_MS, killAllServicesNow, listeningPort, liveServices, runEntry, runEntryAsync, spawnService, stopAllServices, type EntryResult, type ServiceProcess, type SpawnOptions } from './process.js';
export { TEST_DATABASE_URL_VARIABLE, createTestDatabase, postgresAvailability, redact, type PostgresAvailability, type TestDatabase } from './postgres.js';
export { startCaptureServer, type CaptureReply, type CaptureServer, type CaptureServerOptions, type RawRequest } from './capture-server.js';
export { cleanEnv } from './clean-env.js';
export { writeCollectorConfig, type CollectorConfigOptions } from './collector-config.js';
export { resourceAttributesOf, startOtlpCapture, totalsOf, type CapturedRequest, type OtlpCapture, type OtlpJsonRequest } from './otlp-capture.js';
export { freePort } from './ports.js';
export { seededRandom } from './seeded-random.js';
export { prometheusSum, prometheusValue, receiverReportCounts, receiverTotals, utcDay, type ReceiverTotals } from './receiver-stats.js';
export { createTokenizerClient, type Operation, type OperationKey, type OperationResult, type TokenizerClient } from './tokenizer-client.js';
export { sleep, waitUntil, type WaitOptions } from './wait.js';
