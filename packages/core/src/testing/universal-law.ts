import fc from 'fast-check';
import { exprArb, inputArb, specArb } from './arbitraries.js';

/** The universal law's cases: a random exact expression of depth 3 and an input for it. */
export const universalCaseArb = specArb.chain((spec) =>
  fc.tuple(exprArb(spec, 3), inputArb(spec.cin)),
);
export const UNIVERSAL_LAW_SEED = 20261129;
export const UNIVERSAL_LAW_RUNS = 300;
