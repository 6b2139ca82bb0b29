export {
  IoError,
  MemoryBudgetError,
  ModelTooLargeError,
  OnnxFormatError,
  OpsetUpgradeError,
  UsageError,
  VerificationError,
  type RefusedNode,
} from './errors.js';
export { DEFAULT_MAX_MEMORY } from './memory-budget.js';
export {
  decodeModel,
  decodeTensor,
  encodeModel,
  type AttributeProto,
  type Dimension,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type OpsetId,
  type StringStringEntry,
  type TensorProto,
  type TypeProto,
  type ValueInfoProto,
} from './proto.js';
export {
  checkModel,
  parseModel,
  serializeModel,
  MAX_MODEL_BYTES,
  type ParseOptions,
} from './model-bytes.js';
// Node's side of `#node-io` in Node; in browsers, versions that explain what to do instead.
export {
  readModel,
  readRegularFile,
  writeModel,
  type ReadOptions,
  type WriteOptions,
} from '#node-io';
export { resolveExternalData } from './external-data.js';
export {
  DataType,
  MAX_ELEMENTS,
  elementCount,
  floatTensor,
  int64Tensor,
  rawTensor,
  tensorValues,
} from './tensor.js';
export {
  ModelBuilder,
  attribute,
  float,
  floats,
  valueInfo,
  type AttributeValue,
} from './builder.js';
export { indexGraph, nodeLabel, type GraphIndex } from './graph.js';
export {
  openSession,
  runModel,
  type DenseTensor,
  type Engine,
  type ModelSession,
  type RunOptions,
} from './ort-run.js';
export {
  inputDims,
  probeModel,
  randomFeeds,
  MAX_INPUT_ELEMENTS,
  type InputShapes,
} from './probe.js';
export { randomOutputs, type RandomNode } from './random-ops.js';
export { inputFeeds, type FeedOptions } from './feeds.js';
export { denseTensor, elementType, type ElementType } from './element-types.js';
export { inputRoles, type InputRole } from './input-roles.js';
export { withFallback } from './engine-fallback.js';
export { verifyModels, type VerifyOptions, type VerifyResult } from './verify.js';
export { difference, type Difference } from './compare.js';
export {
  analyzeModel,
  convertModel,
  type ConversionReport,
  type ConvertOptions,
  type Excluded,
} from './convert.js';
export type { ConvertStage, StageListener } from './stages.js';
export { preloadRuntime } from './preload.js';
export { SUPPORTED_OPSETS, defaultOpset } from './opset.js';
export { upgradeOpset, type OpsetUpgrade, type UpgradeOptions } from './opset-upgrade.js';
export type { TensorFacts } from './opset-step.js';
export type { RegionReport, SegmentReport, Size } from './plan.js';
export { exportTfjsModel, type ExportOptions } from './export-tfjs.js';
export { depthwiseToOihw, hwioToOihw, oihwToHwio } from './layout.js';
