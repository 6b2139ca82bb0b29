import { OnnxFormatError } from './errors.js';
import { runModel, type DenseTensor, type RunOptions } from './ort-run.js';
import { encodeModel, type ModelProto } from './proto.js';

/**
 * Loads a converted model in onnxruntime (`options.engine`) and runs it once on `feeds`: a model that does not
 * load or run is never handed back, verification or not. Throws {@link OnnxFormatError} with
 * onnxruntime's message (a timeout passes through as it is).
 */
export async function checkRuns(
  model: ModelProto,
  feeds: Readonly<Record<string, DenseTensor>>,
  options: RunOptions,
  bytes: Uint8Array = encodeModel(model),
): Promise<void> {
  try {
    await runModel(bytes, feeds, undefined, options);
  } catch (e) {
    if (!(e instanceof OnnxFormatError) || /did not (load|run) within/.test(e.message)) throw e;
    throw new OnnxFormatError(
      `convertModel: the converted model fails in ${options.engine ?? 'onnxruntime-web'} (${e.message}); nothing is returned. This is a bug in @reparam/onnx: please report it with the model`,
      { cause: e },
    );
  }
}
