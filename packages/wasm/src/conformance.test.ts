import { afterAll } from 'vitest';
import { describeRuntime } from '@reparam/conformance';
import type { Conv, Tensor } from '@reparam/core';
import { WasmConvRuntime, type ConvAlgorithm } from './conv-runtime.js';

// One lazily created runtime per thread count, shared by the cases below.
const runtimes = new Map<number, Promise<WasmConvRuntime>>();
function runtime(threads: number): Promise<WasmConvRuntime> {
  let rt = runtimes.get(threads);
  if (rt === undefined) {
    rt = WasmConvRuntime.create({ threads });
    runtimes.set(threads, rt);
  }
  return rt;
}
afterAll(async () => {
  for (const rt of runtimes.values()) (await rt).dispose();
});

function runner(threads: number, algorithm: ConvAlgorithm) {
  return async (input: Tensor, conv: Conv) =>
    (await runtime(threads)).conv2d(input.data, input.shape, conv, { algorithm }).data;
}

describeRuntime({ name: 'wasm gemm, 1 thread', run: runner(1, 'gemm') });
// auto = Winograd F(4x4,3x3) for 3x3 stride-1 convs with >= 8 channels per group: 1e-4 x max|y|.
describeRuntime({ name: 'wasm auto, 1 thread', run: runner(1, 'auto'), tolerance: 1e-4 });
describeRuntime({ name: 'wasm auto, 2 threads', run: runner(2, 'auto'), tolerance: 1e-4 });
