import { describe, expect, it } from 'vitest';
import { loadCollectorConfig } from './collector-config.js';
import { windowRuleProblem } from './window-rule.js';
import { parseDuration } from './units.js';

describe('the window rule', () => {
  it.each(['24h', '12h', '8h', '1h', '30m', '15s', '2s'])('takes %s, which divides 24h', (text) => {
    expect(windowRuleProblem(parseDuration(text)!)).toBeUndefined();
  });

  it.each(['7h', '36h', '48h', '7s', '1h1s'])('refuses %s', (text) => {
    expect(windowRuleProblem(parseDuration(text)!)).toContain('must divide 24h evenly');
  });

  it('is applied when a collector configuration is loaded, naming the key and the value', () => {
    expect(() => loadCollectorConfig('processors:\n  lunadefend_aggregate:\n    window: 7h\n', {})).toThrow(
      'processors.lunadefend_aggregate.window: 7h must divide 24h evenly',
    );
  });
});
