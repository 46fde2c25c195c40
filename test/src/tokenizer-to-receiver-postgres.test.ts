// The whole chain on the receiver's production storage: example tokenizer (real SDK) → collector
// → receiver on PostgreSQL, all real processes, 2-second windows. Required under CI=true; skipped
// with the reason on a machine without PostgreSQL.

import { describe, it } from 'vitest';
import { createTestDatabase, postgresAvailability } from '@lunadefend/testkit';
import { countingRun, expectCountedExactly } from './support/counting-run.js';
import { useScratchDir } from './support/scratch.js';

const postgres = await postgresAvailability();
if (!postgres.available) console.warn(`skipping the PostgreSQL end-to-end test: ${postgres.reason}`);

describe.skipIf(!postgres.available)('tokenizer → collector → receiver on PostgreSQL', () => {
  const scratch = useScratchDir('postgres');

  it('ends with the receiver holding exactly the operations performed, per metric, each report once', async () => {
    if (!postgres.available) return;
    const database = await createTestDatabase(postgres.adminUrl);
    scratch.onCleanup(() => database.drop());
    expectCountedExactly(await countingRun(scratch.dir, { kind: 'postgres', url: database.url }));
  }, 120_000);
});
