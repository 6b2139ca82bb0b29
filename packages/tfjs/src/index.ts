export {
  depthwiseToOihw,
  hwioToOihw,
  nchwToNhwc,
  nhwcToNchw,
  oihwToDepthwise,
  oihwToHwio,
  type Shape4,
} from './layout.js';
export { registerWasmTrainingKernels, wasmTrainingKernels } from './wasm/register.js';
export { conv2dBackpropFilterWasm } from './wasm/conv2d-backprop-filter.js';
export { depthwiseBackpropFilterWasm } from './wasm/depthwise-backprop-filter.js';
export { depthwiseBackpropInputWasm } from './wasm/depthwise-backprop-input.js';
