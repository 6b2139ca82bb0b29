import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '@reparam/tfjs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/**
 * Activates tfjs-backend-wasm (one thread in Node) with `@reparam/tfjs`'s gradient kernels, the
 * backend every run trains and measures on.
 */
export async function useWasmBackend(): Promise<void> {
  const require = createRequire(import.meta.url);
  const wasm = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
  setWasmPaths(`${dirname(wasm)}/`);
  registerWasmTrainingKernels();
  if (!(await tf.setBackend('wasm')))
    throw new Error('useWasmBackend: could not initialise the tfjs wasm backend');
}
