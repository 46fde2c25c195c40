// What the local demo (demo/) borrows from the end-to-end support: starting the built parts as
// supervised processes, reading what the receiver counted, and driving the example tokenizer.

export { ENTRY_POINTS, REPO_ROOT, listeningPort, spawnService, type ServiceProcess } from './support/process.js';
export { receiverReportCounts, receiverTotals, utcDay } from './support/receiver-stats.js';
export { createTokenizerClient, type TokenizerClient } from './support/tokenizer-client.js';
