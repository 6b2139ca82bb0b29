export type { BatchNorm, Conv, Floats, Geometry, Padding4, Pair, Tensor } from './types.js';
export { BudgetError, NotEquivalentError, ShapeError } from './errors.js';
export { geometry, outputLength, type GeometryOptions } from './geometry.js';
export { inChannels, makeConv, toFloat32, validateConv, type ConvInit } from './conv.js';
export { maxAbs, maxAbsDiff, randomTensor, seededRandom, tensor } from './tensor.js';
export {
  avgPool,
  batchNorm,
  concat,
  conv,
  identity,
  pad,
  scale,
  sequence,
  sum,
  type AvgPoolOptions,
  type Expr,
} from './expr.js';
export { conv2dReference } from './conv2d-reference.js';
export { evaluate } from './evaluate.js';
export { collapse, DEFAULT_MAX_BYTES, inputChannels, type CollapseOptions } from './collapse.js';
export { jsMatrixProduct, type MatrixProduct, type MatrixView } from './product.js';
export { addConvs } from './rules/add-convs.js';
export { avgPoolAsConv } from './rules/avg-pool-conv.js';
export { composeConvs, type ComposeOptions } from './rules/compose-convs.js';
export { concatConvs } from './rules/concat-convs.js';
export { embedKernel } from './rules/embed-kernel.js';
export { batchNormAsConv, foldBatchNorm } from './rules/fuse-batch-norm.js';
export { identityConv } from './rules/identity-conv.js';
export { scaleConv } from './rules/scale-conv.js';
export { costOf, type Cost, type CostOptions } from './cost.js';
export { acb, type ACBWeights } from './recipes/acb.js';
export {
  convBn,
  outputOfZero,
  type BlockShape,
  type ConvBnWeights,
  type KernelBlockShape,
} from './recipes/conv-bn.js';
export { dbb, type DBBWeights } from './recipes/dbb.js';
export { ECB_MASKS, ecb, type ECBEdgeWeights, type ECBWeights } from './recipes/ecb.js';
export { largeKernel, type LargeKernelWeights } from './recipes/large-kernel.js';
export { mobileone, type MobileOneWeights } from './recipes/mobileone.js';
export { qarepvgg, type QARepVGGWeights } from './recipes/qarepvgg.js';
export { repvgg, type RepVGGWeights } from './recipes/repvgg.js';
export { orthogonalWeightNorm } from './weights/orthogonal-weight-norm.js';
export { refocus, type RefocusWeights } from './weights/refocus.js';
export { centeredWeightNorm, weightNorm } from './weights/weight-norm.js';
export { kernelSkeleton, type Kernel, type KernelSkeleton } from './figures/kernel-skeleton.js';
export {
  channelKlMatrix,
  type ChannelKlMatrix,
  type ChannelKlOptions,
} from './figures/channel-kl.js';
export { filterNormalize, gaussianDirection } from './figures/filter-normalize.js';
