import { describe, expect, it } from 'vitest';
import { createInsertBatcher } from './insert-batcher.js';

describe('insert batcher', () => {
  it('groups items submitted while a batch is being written, answering each caller in order', async () => {
    const batches: number[][] = [];
    const batcher = createInsertBatcher<number, string>({
      async write(items) {
        batches.push([...items]);
        await new Promise((resolve) => setTimeout(resolve, 5));
        return items.map((i) => `done ${i}`);
      },
    });
    const first = batcher.submit(1);
    await new Promise((resolve) => setImmediate(resolve)); // the first batch is now in flight
    const rest = [2, 3, 4].map((i) => batcher.submit(i));
    expect(await Promise.all([first, ...rest])).toEqual(['done 1', 'done 2', 'done 3', 'done 4']);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('retries a failed batch item by item, so only the bad item fails', async () => {
    const batcher = createInsertBatcher<number, number>({
      async write(items) {
        if (items.includes(13)) throw new Error('bad item');
        return items.map((i) => i * 2);
      },
    });
    const results = await Promise.allSettled([1, 13, 3].map((i) => batcher.submit(i)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 2 });
  });
});
