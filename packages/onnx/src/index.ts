export { IoError, OnnxFormatError, UsageError, VerificationError } from './errors.js';
export {
  decodeModel,
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
  readModel,
  serializeModel,
  writeModel,
  MAX_MODEL_BYTES,
  type ParseOptions,
  type ReadOptions,
  type WriteOptions,
} from './model-io.js';
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
export { verifyModels, type VerifyOptions, type VerifyResult } from './verify.js';
export { difference, type Difference } from './compare.js';
export {
  analyzeModel,
  convertModel,
  SUPPORTED_OPSETS,
  type ConversionReport,
  type ConvertOptions,
  type Excluded,
} from './convert.js';
export type { RegionReport, SegmentReport, Size } from './plan.js';
export { exportTfjsModel, type ExportOptions } from './export-tfjs.js';
export { depthwiseToOihw, hwioToOihw, oihwToHwio } from './layout.js';
