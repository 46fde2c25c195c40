// `run`: start the collector and stop it cleanly on SIGTERM/SIGINT — stop the intake, finish
// in-flight work, close the state file, exit 0. Nothing is sealed early.

import type { CollectorConfig } from '@lunadefend/config';
import { pino } from 'pino';
import { createCollector } from '../collector.js';

export async function runCommand(config: CollectorConfig, env: NodeJS.ProcessEnv): Promise<number> {
  const logger = pino({ base: undefined });
  const collector = createCollector(config, { env, logger });
  await collector.start();
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'collector: shutting down');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await collector.shutdown();
  return 0;
}
