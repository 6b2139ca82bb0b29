import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '@reparam/tfjs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/** Activates tfjs-backend-wasm in Node with the gradient kernels `@reparam/tfjs` supplies. */
export async function useWasm(): Promise<void> {
  const require = createRequire(import.meta.url);
  setWasmPaths(
    dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/',
  );
  registerWasmTrainingKernels();
  if (!(await tf.setBackend('wasm'))) throw new Error('could not initialise the tfjs wasm backend');
}
