// Public API of @lunadefend/collector.
export { createCollector, type Collector, type CollectorOptions } from './collector.js';
export { buildPipeline, checkPipeline } from './pipeline.js';
export { COLLECTOR_ERRORS, CollectorError, isRetryable, type CollectorErrorCode } from './errors.js';
export { readCollectorState, type CollectorStateSnapshot } from './state/state-reader.js';
export { previewReports } from './window/report-preview.js';
export { STATE_FILE_NAME } from './state/state-store.js';
