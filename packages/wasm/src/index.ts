export { UnsupportedModelError, WasmLoadError, type UnsupportedNode } from './errors.js';
export {
  setWasmPaths,
  type WasmFileName,
  type WasmPaths,
  type WasmSource,
} from './_internal/load.js';
export type { ConvDims } from './_internal/geometry.js';
export {
  WasmConvRuntime,
  sharedMemoryAvailable,
  type RuntimeOptions,
  type ConvAlgorithm,
  type PrepareOptions,
  type PreparedConv,
} from './conv-runtime.js';
export {
  WasmGraph,
  type GraphMemory,
  type GraphOptions,
  type GraphTensor,
  type StepProfile,
} from './graph/wasm-graph.js';
export type {
  Activation,
  DeployGraph,
  GraphInput,
  GraphNode,
  NodeOf,
  PoolWindow,
} from './graph/ir.js';
export { graphFromOnnx } from './graph/from-onnx.js';
export type {
  OnnxAttributeLike,
  OnnxModelLike,
  OnnxNodeLike,
  OnnxTensorLike,
  OnnxValueInfoLike,
} from './graph/onnx-model.js';
export {
  convInputGradient,
  convWeightGradient,
  type ConvParamGradients,
  type GradientOptions,
} from './gradients.js';
export {
  registerWasmConvKernels,
  type ConvKernelOptions,
  type RegisteredKernels,
  type TfApi,
} from './tfjs/register-kernels.js';
export { decodeNpy, encodeNpy } from './npy.js';
export { wasmMatrixProduct } from './matrix-product.js';
