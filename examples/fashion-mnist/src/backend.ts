import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '@reparam/tfjs';
import { registerWasmTrainingKernels as registerSimdKernels } from '@reparam/wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/**
 * Activates tfjs-backend-wasm in Node with the gradient kernels `@reparam/tfjs` supplies, or with
 * `simd`, the SIMD gradient kernels of `@reparam/wasm` in their place (its .wasm must be built:
 * `pnpm --filter @reparam/wasm build:wasm`).
 */
export async function useWasm(kernels: 'js' | 'simd' = 'js'): Promise<void> {
  const require = createRequire(import.meta.url);
  setWasmPaths(
    dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/',
  );
  registerWasmTrainingKernels();
  if (kernels === 'simd') await registerSimdKernels(tf);
  if (!(await tf.setBackend('wasm'))) throw new Error('could not initialise the tfjs wasm backend');
}
