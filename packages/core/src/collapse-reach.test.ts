import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  UNIVERSAL_LAW_RUNS,
  UNIVERSAL_LAW_SEED,
  universalCaseArb,
} from './testing/universal-law.js';
import { COLLAPSE_STEPS, EXPR_KINDS, emptyReach, reachTable, tallyReach } from './testing/index.js';

/** The least a node kind or collapse step must occur over the universal law's cases. */
const MIN_REACH = 30;

describe('the universal law reaches every node kind and every collapse step', () => {
  const reach = emptyReach();
  fc.sample(universalCaseArb, { seed: UNIVERSAL_LAW_SEED, numRuns: UNIVERSAL_LAW_RUNS }).forEach(
    ([node]) => tallyReach(reach, node.expr, { inChannels: node.spec.cin }),
  );
  // The table docs/contributing.md shows; printed so a contributor can see it change.
  console.info(reachTable(reach));

  it.each(EXPR_KINDS)(`node kind %s occurs at least ${MIN_REACH} times`, (kind) => {
    expect(reach.kinds[kind]).toBeGreaterThanOrEqual(MIN_REACH);
  });

  it.each(COLLAPSE_STEPS)(`collapse step "%s" is taken at least ${MIN_REACH} times`, (step) => {
    expect(reach.steps[step]).toBeGreaterThanOrEqual(MIN_REACH);
  });
});
