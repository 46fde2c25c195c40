// The catalog, the identity patterns and the telemetry mode decision have their one home in
// @lunadefend/metrics/contract; config passes them on whole.
export * from '@lunadefend/metrics/contract';
export {
  MAX_COUNTER,
  REPORT_SCHEMA,
  REPORT_SCHEMA_VERSION,
  buildReportSchema,
  buildReportSchemas,
  type DailyReport,
  type ReportWindow,
  type VersionedReport,
} from './report-schema.js';
export {
  DAY_MS,
  checkReportWindow,
  createReportValidator,
  formatUtcTimestamp,
  parseUtcTimestamp,
  validateReport,
  validateReportSchema,
  type ReportCheck,
  type ReportValidator,
  type ValidationIssue,
  type VersionedReportCheck,
} from './report-validator.js';
export {
  COLLECTOR_CONFIG_SCHEMA,
  collectorConfigKeys,
  type LeafKind,
  type LeafNode,
  type ObjectNode,
  type SchemaKey,
  type SchemaNode,
} from './collector-config-schema.js';
export {
  ConfigError,
  loadCollectorConfig,
  loadCollectorConfigFile,
  parseHostPort,
  type CollectorConfig,
  type LoadResult,
} from './collector-config.js';
export { configuredStackId } from './collector-config-env.js';
export { windowRuleProblem } from './window-rule.js';
export { substituteEnv, EnvSubstitutionError, type Substitution } from './env-substitution.js';
export { formatDuration, parseByteSize, parseDuration } from './units.js';
export {
  EMPTY_TREE_HASH,
  HASH_BYTES,
  hashChildren,
  hashLeaf,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './transparency/merkle.js';
export {
  generateNoteKey,
  noteKeyId,
  openNote,
  parseNoteSigner,
  parseNoteVerifier,
  signNote,
  type NoteOpening,
  type NoteSigner,
  type NoteVerifier,
} from './transparency/signed-note.js';
export {
  checkpointText,
  openCheckpoint,
  parseCheckpointText,
  signCheckpoint,
  type Checkpoint,
  type CheckpointOpening,
} from './transparency/checkpoint.js';
export { createHashTree, type HashTree } from './transparency/hash-tree.js';
export { receiptFromJson, receiptToJson, type Receipt, type ReceiptJson } from './transparency/receipt.js';
export {
  formatExportFile,
  formatReceiptsFile,
  parseExportFile,
  parseReceiptsFile,
  type ExportedReport,
  type FileReading,
  type ImportReceipt,
} from './airgap/export-file.js';
