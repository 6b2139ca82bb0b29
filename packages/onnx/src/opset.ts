import { OnnxFormatError } from './errors.js';
import type { ModelProto } from './proto.js';

/**
 * Versions of the default ONNX domain the pass reads. The older forms of the ops it collapses
 * are read as their own version defines them (BatchNormalization's `is_test` and `spatial`,
 * Add/Sub/Mul/Div's `broadcast` and `axis` before opset 7, Pad's and Slice's attributes before
 * opsets 11 and 10, Dropout's `is_test` before opset 7); every other op is carried along as is.
 */
export const SUPPORTED_OPSETS = [1, 21] as const;

/** The version of the default domain (`''` or `ai.onnx`) a model imports, or 0 when none. */
export function defaultOpset(model: ModelProto): number {
  return (
    model.opsetImport.find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx')?.version ?? 0
  );
}

/** The model's default-domain opset; throws {@link OnnxFormatError} outside {@link SUPPORTED_OPSETS}. */
export function checkedOpset(model: ModelProto, where: string): number {
  const opset = defaultOpset(model);
  const [low, high] = SUPPORTED_OPSETS;
  if (opset < low || opset > high) {
    throw new OnnxFormatError(
      `${where}: opset ${opset} of the default domain is outside ${low}-${high}; ${opset > high ? 'this version of @reparam/onnx predates it' : 'the model imports no version of the default domain'}`,
    );
  }
  return opset;
}
