import { METRIC_NAMES, type MetricName } from '@lunadefend/config';
import { describe, expect, it } from 'vitest';
import { createCounterTable, slotOf } from './counter-table.js';

describe('counter table', () => {
  it('starts every catalog counter at zero and adds 1 by default', () => {
    const table = createCounterTable();
    for (const name of METRIC_NAMES) expect(table.total(name)).toBe(0);
    table.add('lunadefend.tokenize.success');
    table.add('lunadefend.tokenize.success', 41);
    table.add('lunadefend.grant.create.failure', 0);
    expect(table.total('lunadefend.tokenize.success')).toBe(42);
    expect(table.total('lunadefend.grant.create.failure')).toBe(0);
    expect(table.ignoredCalls()).toBe(0);
  });

  it('ignores and counts unknown names and invalid values, never throwing', () => {
    let firstIgnored = 0;
    const table = createCounterTable(() => firstIgnored++);
    const add = table.add as (name: unknown, value?: unknown) => void;
    const hostile = { toString: () => { throw new Error('boom'); }, valueOf: () => { throw new Error('boom'); } };
    const bad: [unknown, unknown][] = [
      ['lunadefend.tokenize.sucess', 1], ['toString', 1], ['__proto__', 1], ['constructor', 1], ['hasOwnProperty', 1],
      [hostile, 1], [undefined, 1], [null, 1], [42, 1],
      ['lunadefend.tokenize.success', -1], ['lunadefend.tokenize.success', Number.NaN],
      ['lunadefend.tokenize.success', Number.POSITIVE_INFINITY], ['lunadefend.tokenize.success', 0.5],
      ['lunadefend.tokenize.success', 2 ** 53], ['lunadefend.tokenize.success', '5'],
      ['lunadefend.tokenize.success', hostile], ['lunadefend.tokenize.success', null],
    ];
    for (const [name, value] of bad) expect(() => add(name, value)).not.toThrow();
    expect(table.ignoredCalls()).toBe(bad.length);
    expect(firstIgnored).toBe(1);
    for (const name of METRIC_NAMES) expect(table.total(name)).toBe(0);
    expect(table.total('toString' as MetricName)).toBe(0);
  });

  it('rejects a misspelt metric name at compile time', () => {
    const table = createCounterTable();
    // @ts-expect-error — not a catalog name
    table.add('lunadefend.tokenise.success');
    expect(table.ignoredCalls()).toBe(1);
  });
});

describe('slotOf', () => {
  it('maps every catalog name to its catalog position and nothing else to a slot', () => {
    METRIC_NAMES.forEach((name, i) => expect(slotOf(name)).toBe(i));
    for (const other of ['', 'lunadefend.tokenize', 'LUNADEFEND.TOKENIZE.SUCCESS', 'toString']) {
      expect(slotOf(other as MetricName)).toBe(-1);
    }
  });
});
