import { ModelBuilder } from './builder.js';
import { openSession, type ModelSession, type RunOptions } from './ort-run.js';
import { encodeModel } from './proto.js';

/**
 * Starts loading onnxruntime-web (compiling its WebAssembly, about half a second) with the
 * options a later conversion will use, so that the loading overlaps other work, such as reading
 * the model: with `timeoutMs` the runtime loads in its worker thread while the caller goes on.
 * Keeps a one-node session open so the worker stays up; call `release` once the conversion is
 * done. Never throws: a runtime that cannot load fails later, where it is needed.
 */
export function preloadRuntime(options: RunOptions = {}): { release(): Promise<void> } {
  const b = new ModelBuilder(13, 'preload');
  const x = b.input('x', [1]);
  b.output(b.op('Identity', [x]), [1]);
  const session: Promise<ModelSession | undefined> = openSession(
    encodeModel(b.build()),
    options,
  ).catch(() => undefined);
  return {
    async release() {
      await (await session)?.release();
    },
  };
}
