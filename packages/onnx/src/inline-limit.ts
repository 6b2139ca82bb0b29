import { ModelTooLargeError } from './errors.js';
import { graphTensors } from './external-data.js';
import { tensorBytes } from './external-data-out.js';
import type { ModelProto } from './proto.js';

/**
 * The largest serialized model onnxruntime takes: protobuf's limit on one message, 2 GiB. The
 * probe and the verification hand it the model inline (external data read into it).
 */
export const MAX_INLINE_BYTES = 2 ** 31 - 1;

const gib = (n: number) => `${(n / 2 ** 30).toFixed(2)} GiB`;

/**
 * Throws {@link ModelTooLargeError} when the tensors of `model` (initializers, Constant values,
 * subgraphs; external data included once read) take more than `limit` bytes: its serialized form
 * could not reach onnxruntime. A lower bound on the encoded size, so no model is refused that
 * would fit.
 */
export function checkInlineSize(model: ModelProto, where: string, limit: number): void {
  let bytes = 0;
  for (const t of graphTensors(model.graph!)) bytes += tensorBytes(t);
  if (bytes > limit)
    throw new ModelTooLargeError(
      `${where}: the model's tensors take ${bytes} bytes (${gib(bytes)}), more than the ${limit} (${gib(limit)}) of one protobuf message, and onnxruntime is handed the model as one serialized message to run it (the probe and the verification); a model with more than 2 GiB of weights cannot be converted yet`,
      bytes,
      limit,
    );
}
