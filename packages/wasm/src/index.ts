export { UnsupportedModelError, WasmLoadError } from './errors.js';
export type { WasmSource } from './_internal/load.js';
export type { ConvDims } from './_internal/geometry.js';
export {
  WasmConvRuntime,
  sharedMemoryAvailable,
  type RuntimeOptions,
  type ConvAlgorithm,
  type PrepareOptions,
  type PreparedConv,
} from './conv-runtime.js';
export { WasmNetwork, type Layer } from './network.js';
export {
  convInputGradient,
  convWeightGradient,
  type ConvParamGradients,
  type GradientOptions,
} from './gradients.js';
export {
  registerWasmTrainingKernels,
  type RegisteredKernels,
  type TfApi,
  type TrainingKernelOptions,
} from './tfjs/training-kernels.js';
export {
  layersFromOnnx,
  type OnnxAttributeLike,
  type OnnxModelLike,
  type OnnxNodeLike,
  type OnnxTensorLike,
} from './onnx-layers.js';
