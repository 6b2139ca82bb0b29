/**
 * Test helpers for contributors: the arbitraries the project's property tests use, framework-free
 * assertions, the paper-definition helpers for recipe tests, and the reach measurement. Needs
 * `fast-check` (an optional peer dependency of `@reparam/core`).
 */
export {
  batchNormArb,
  convArb,
  divisors,
  exprArb,
  inputArb,
  randomBatchNorm,
  seedArb,
  specArb,
  values,
  type Node,
  type Spec,
} from './arbitraries.js';
export { expectClose, relativeDifference, ToleranceError } from './assertions.js';
export { direct, expectMatchesDefinition } from './paper.js';
export { blockCaseArb, convBnWeights, type BlockCase } from './recipe-arbitraries.js';
export {
  COLLAPSE_STEPS,
  EXPR_KINDS,
  emptyReach,
  reachTable,
  tallyReach,
  type CollapseStep,
  type Reach,
} from './reach.js';
export {
  COLLAPSE_NETWORKS,
  dbbResnet18,
  medianCollapseMs,
  REPVGG_A0,
  REPVGG_B0,
  repvggNetwork,
  type NetworkBlock,
} from './networks.js';
export {
  checkCompositionLawWith,
  checkProductLaw,
  checkUniversalLawWith,
  naiveFloat32Product,
  type LawRuns,
} from './product-laws.js';
