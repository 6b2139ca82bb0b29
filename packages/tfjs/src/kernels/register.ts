import { getKernel, registerKernel, type KernelConfig } from '@tensorflow/tfjs';
import { branchBatchNormConfigs } from './branch-batch-norm.js';
import { onlineKernelConfigs } from './online-kernel.js';

/** Backends whose tensors live in CPU memory, where this package's JS kernels run. */
const backends = ['cpu', 'wasm'] as const;

let registered = false;

/**
 * Registers this package's fused training kernels (`ReparamBranchBatchNorm`,
 * `ReparamOnlineKernel` and their gradients) for the tfjs
 * cpu and wasm backends, once. Called by the layers on first use, so importing the package
 * registers nothing; on other backends (webgl, webgpu) the layers compose tfjs ops instead.
 */
export function registerFusedKernels(): void {
  if (registered) return;
  const configs: KernelConfig[] = backends.flatMap((b) => [
    ...branchBatchNormConfigs(b),
    ...onlineKernelConfigs(b),
  ]);
  for (const k of configs)
    if (getKernel(k.kernelName, k.backendName) === undefined) registerKernel(k);
  registered = true;
}

/** Whether kernel `name` runs on backend `backendName` (after {@link registerFusedKernels}). */
export function hasFusedKernel(name: string, backendName: string): boolean {
  registerFusedKernels();
  return getKernel(name, backendName) !== undefined;
}
