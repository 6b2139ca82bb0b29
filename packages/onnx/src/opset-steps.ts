import type { Step } from './opset-step.js';
import {
  axesToInput,
  clipToInputs,
  dftAxisToInput,
  dropoutRatioToInput,
  padPaddingsRenamed,
  padToInputs,
  reshapeShapeToInput,
  sliceToInputs,
  splitToInput,
  topKToInput,
} from './opset-steps-inputs.js';
import {
  castTypeNumber,
  concatAxis,
  dropConsumedInputs,
  firstOutputOnly,
  gemmBroadcast,
  gridSampleModes,
  groupNormPerChannel,
  integerP,
  noOutputSequence,
  numpyBroadcast,
  oneAxis,
  preluSlope,
  refused,
  roiAlignCoordinates,
  scatterRenamed,
  spatialOnly,
  splitNoInput,
  splitNumOutputs,
  testModeOnly,
} from './opset-steps-forms.js';
import {
  resizeExplicitModes,
  resizeWithoutTfHalfPixel,
  upsampleScales,
  upsampleScalesToInput,
  upsampleToResize,
} from './opset-steps-resize.js';

const each = (ops: string, version: number, step: Step): [string, Step][] =>
  ops.split(' ').map((op) => [`${op}-${version}`, step]);

/**
 * How a node crosses a version of its operator, by `Op-version` (the version it moves to). Every
 * other version of `OPERATOR_VERSIONS` keeps the old form's meaning as it is: it adds types,
 * attributes whose defaults do what the old version did, negative axes, wider broadcasting or
 * optional inputs (each checked against ONNX's operator changelog).
 */
export const UPGRADE_STEPS: ReadonlyMap<string, Step> = new Map<string, Step>([
  ...each(
    'Abs Add BatchNormalization Ceil Clip Div Dropout Elu Exp Floor HardSigmoid InstanceNormalization LeakyRelu Log Max Mean Min Mul Neg PRelu Reciprocal Relu Selu Sigmoid Sqrt Sub Sum Tanh',
    6,
    dropConsumedInputs,
  ),
  ['Reshape-5', reshapeShapeToInput],
  ['Concat-4', concatAxis],
  ['Cast-6', castTypeNumber],
  ['Tile-6', refused('Tile-1 takes the tiles and axis as inputs; Tile-6 a repeats vector')],
  ['Pad-2', padPaddingsRenamed],
  ['Split-2', splitNoInput],
  ...each('LpPool GlobalLpPool', 2, integerP),
  ...each('Add Sub Mul Div Pow And Or Xor Equal Greater Less', 7, numpyBroadcast),
  ['Gemm-7', gemmBroadcast],
  ...each('BatchNormalization Dropout', 7, testModeOnly),
  ...each('GRU LSTM RNN', 7, noOutputSequence),
  ['PRelu-7', preluSlope],
  ['Upsample-7', upsampleScales],
  ['BatchNormalization-9', spatialOnly],
  ['Upsample-9', upsampleScalesToInput],
  ['Scan-9', refused('Scan-9 replaced the batch axis and sequence_lens of Scan-8')],
  ['Slice-10', sliceToInputs],
  ['TopK-10', topKToInput],
  ['Dropout-10', firstOutputOnly],
  ['Upsample-10', upsampleToResize],
  ['Clip-11', clipToInputs],
  ['Pad-11', padToInputs],
  ['Resize-11', resizeExplicitModes],
  ['Scatter-11', scatterRenamed],
  ['Dropout-12', dropoutRatioToInput],
  ...each('ReduceSum Squeeze Unsqueeze', 13, axesToInput),
  ['Split-13', splitToInput],
  ...each('Softmax LogSoftmax Hardmax', 13, oneAxis),
  ['Resize-13', resizeWithoutTfHalfPixel],
  ['BatchNormalization-14', firstOutputOnly],
  ['RoiAlign-16', roiAlignCoordinates],
  ...each(
    'ReduceL1 ReduceL2 ReduceLogSum ReduceLogSumExp ReduceMax ReduceMean ReduceMin ReduceProd ReduceSumSquare',
    18,
    axesToInput,
  ),
  ['Split-18', splitNumOutputs],
  ['DFT-20', dftAxisToInput],
  ['GridSample-20', gridSampleModes],
  ['GroupNormalization-21', groupNormPerChannel],
]);
