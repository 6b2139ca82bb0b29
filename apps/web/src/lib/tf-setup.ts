/** tfjs on its WebAssembly backend inside a worker, with @reparam/tfjs's training kernels. */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '@reparam/tfjs';
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';

let ready: Promise<void> | undefined;

/** Activates the wasm backend once, one thread (the binaries are this app's own assets). */
export function useWasmBackend(): Promise<void> {
  ready ??= (async () => {
    // tfjs's threaded build starts its pthread workers from a script that breaks once bundled
    // ("e is not defined"): use its single-thread SIMD build. Threads are for the runtimes.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    setWasmPaths({
      'tfjs-backend-wasm.wasm': plain,
      'tfjs-backend-wasm-simd.wasm': simd,
      'tfjs-backend-wasm-threaded-simd.wasm': simd, // never loaded: multithreading is off
    });
    registerWasmTrainingKernels();
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend could not start');
  })();
  return ready;
}

/** A model's topology and weights as plain data, to move it between workers or download it. */
export interface ModelFiles {
  readonly modelTopology: unknown;
  readonly weightSpecs: tf.io.WeightsManifestEntry[];
  readonly weightData: ArrayBuffer;
}

/** Saves a model to {@link ModelFiles}. */
export async function toFiles(model: tf.LayersModel): Promise<ModelFiles> {
  let files: ModelFiles | undefined;
  await model.save(
    tf.io.withSaveHandler((a) => {
      const data = a.weightData;
      files = {
        modelTopology: a.modelTopology,
        weightSpecs: a.weightSpecs ?? [],
        weightData: Array.isArray(data)
          ? tf.io.concatenateArrayBuffers(data)
          : (data ?? new ArrayBuffer(0)),
      };
      return Promise.resolve({
        modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' },
      });
    }),
  );
  return files!;
}

/** Loads a model from {@link ModelFiles} (custom layers registered by importing @reparam/tfjs). */
export function fromFiles(files: ModelFiles): Promise<tf.LayersModel> {
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: files.modelTopology as tf.io.ModelArtifacts['modelTopology'],
      weightSpecs: files.weightSpecs,
      weightData: files.weightData,
    }),
  );
}

/** Median milliseconds of `run` after a warm-up (at most ~1 s, at least 5 runs). */
export function medianMs(run: () => void): number {
  for (let i = 0; i < 3; i++) run();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 5 || (times.length < 50 && performance.now() - start < 1000)) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}
