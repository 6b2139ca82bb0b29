export {
  depthwiseToOihw,
  hwioToOihw,
  nchwToNhwc,
  nhwcToNchw,
  oihwToDepthwise,
  oihwToHwio,
  filtersFirst,
  filtersLast,
  type Shape4,
} from './layout.js';
export { registerWasmTrainingKernels, wasmTrainingKernels } from './wasm/register.js';
export { conv2dBackpropFilterWasm } from './wasm/conv2d-backprop-filter.js';
export { depthwiseBackpropFilterWasm } from './wasm/depthwise-backprop-filter.js';
export { depthwiseBackpropInputWasm } from './wasm/depthwise-backprop-input.js';
export {
  ReparamLayer,
  type ReparamLayerArgs,
  type BaseLayerArgs,
  type Initializer,
} from './layers/reparam-layer.js';
export { activationNames, type ActivationName } from './layers/_internal/activation.js';
export { RepVGGBlock, type RepVGGBlockArgs } from './layers/repvgg-block.js';
export { ACBlock, type ACBlockArgs } from './layers/ac-block.js';
export { DiverseBranchBlock, type DiverseBranchBlockArgs } from './layers/diverse-branch-block.js';
export { MobileOneBlock, type MobileOneBlockArgs } from './layers/mobileone-block.js';
export { RefConv2D, type RefConv2DArgs } from './layers/ref-conv2d.js';
export { QARepVGGBlock } from './layers/qarepvgg-block.js';
export { LargeKernelConv, type LargeKernelConvArgs } from './layers/large-kernel-conv.js';
export { OnlineBlock } from './layers/online-block.js';
export { OnlineACBlock } from './layers/online-ac-block.js';
export { OnlineRepVGGBlock } from './layers/online-repvgg-block.js';
export { OnlineDiverseBranchBlock } from './layers/online-diverse-branch-block.js';
export {
  CenteredWeightNormConv2D,
  NormalizedConv2D,
  WeightNormConv2D,
  type WeightNormConv2DArgs,
} from './layers/weight-norm-conv2d.js';
export {
  OrthogonalWeightNormConv2D,
  type OrthogonalWeightNormConv2DArgs,
} from './layers/orthogonal-weight-norm-conv2d.js';
export {
  reparameterize,
  type BlockReport,
  type ReparameterizeOptions,
  type ReparameterizeReport,
} from './reparameterize.js';
export { deployLayers } from './deploy-conv.js';
export { medianPredictMs } from './latency.js';
export { ConvBN } from './layers/conv-bn.js';
export {
  blockKinds,
  makeBlock,
  type BlockChoice,
  type BlockFactory,
  type BlockKind,
  type BlockSpec,
} from './models/block.js';
export { resnet18, type ResNet18Options } from './models/resnet18.js';
export { withSeededMathRandom } from './seeded-init.js';
export { mobilenetV2, type MobileNetV2Options } from './models/mobilenet-v2.js';
export { repvggNet, type RepVGGOptions } from './models/repvgg.js';
export { toRefConv, type ToRefConvOptions, type ToRefConvResult } from './to-ref-conv.js';
export {
  convKernels,
  refConvKernels,
  type ConvKernelsOptions,
  type LayerKernel,
} from './figures/conv-kernels.js';
export {
  filterNormalizedDirection,
  lossLandscape,
  type Direction,
  type LandscapeOptions,
  type LossLandscape,
} from './figures/loss-landscape.js';
export {
  quantizeInt8,
  type QuantizedLayer,
  type QuantizeInt8Options,
} from './quantize/quantize-model.js';
export { FakeQuantize, type FakeQuantizeArgs } from './quantize/fake-quantize-layer.js';
export { fakeQuantize, int8Scales, INT8_MAX, type WeightGranularity } from './quantize/int8.js';
export {
  LegacyWeightsError,
  upgradeLegacyArtifacts,
  upgradeLegacyWeights,
} from './legacy-weights.js';
