import { OnnxFormatError } from './errors.js';
import type { Engine, RunOptions } from './ort-run.js';

/** onnxruntime-web's own failures to load or run a model (a missing kernel, memory), not timeouts. */
const WEB_FAILURE = /^runModel: onnxruntime-web cannot (load|run) the model/;

/**
 * Runs `attempt` on `options.engine` when it is set; otherwise on onnxruntime-web, and when
 * onnxruntime-web cannot load or run the model, again on onnxruntime-node where it is installed
 * (Node only). Returns the value and the engine that gave it; when no engine can, throws
 * {@link OnnxFormatError} naming both failures, or how to install onnxruntime-node.
 */
export async function withFallback<T>(
  options: RunOptions,
  attempt: (engine: Engine) => Promise<T>,
): Promise<{ value: T; engine: Engine }> {
  if (options.engine !== undefined)
    return { value: await attempt(options.engine), engine: options.engine };
  try {
    return { value: await attempt('onnxruntime-web'), engine: 'onnxruntime-web' };
  } catch (web) {
    if (!(web instanceof OnnxFormatError) || !WEB_FAILURE.test(web.message)) throw web;
    const { loadNativeRuntime } = await import('./ort-node.js');
    if ((await loadNativeRuntime()) === undefined)
      throw new OnnxFormatError(
        `${web.message}; native onnxruntime may run it: in Node, npm install onnxruntime-node`,
        { cause: web },
      );
    try {
      return { value: await attempt('onnxruntime-node'), engine: 'onnxruntime-node' };
    } catch (native) {
      if (!(native instanceof OnnxFormatError)) throw native;
      throw new OnnxFormatError(`${native.message}; onnxruntime-web failed too: ${web.message}`, {
        cause: native,
      });
    }
  }
}
