import { afterAll } from 'vitest';
import { describeRuntime } from '@reparam/conformance';
import type { Conv, Tensor } from '@reparam/core';
import { WasmConvRuntime, type ConvAlgorithm } from './conv-runtime.js';
import { WasmGraph } from './graph/wasm-graph.js';
import type { DeployGraph } from './graph/ir.js';

// One lazily created runtime per thread count, shared by the cases below.
const runtimes = new Map<string, Promise<WasmConvRuntime>>();
function runtime(threads: number, relaxedSimd: boolean): Promise<WasmConvRuntime> {
  const key = `${threads} ${relaxedSimd}`;
  let rt = runtimes.get(key);
  if (rt === undefined) {
    rt = WasmConvRuntime.create({ threads, relaxedSimd });
    runtimes.set(key, rt);
  }
  return rt;
}
afterAll(async () => {
  for (const rt of runtimes.values()) (await rt).dispose();
});

function runner(threads: number, algorithm: ConvAlgorithm, relaxedSimd = true) {
  return async (input: Tensor, conv: Conv) =>
    (await runtime(threads, relaxedSimd)).conv2d(input.data, input.shape, conv, { algorithm }).data;
}

describeRuntime({ name: 'wasm gemm, 1 thread', run: runner(1, 'gemm') });
// auto = Winograd F(4x4,3x3) for 3x3 stride-1 convs with >= 8 channels per group: 1e-4 x max|y|.
describeRuntime({ name: 'wasm auto, 1 thread', run: runner(1, 'auto'), tolerance: 1e-4 });
describeRuntime({ name: 'wasm auto, 2 threads', run: runner(2, 'auto'), tolerance: 1e-4 });
// The plain SIMD128 build (no fused multiply-add), what Node 20 runs without the flag.
describeRuntime({ name: 'wasm gemm, plain SIMD', run: runner(1, 'gemm', false) });
describeRuntime({ name: 'wasm auto, plain SIMD', run: runner(1, 'auto', false), tolerance: 1e-4 });

// The graph runtime: each case as a one-node graph, whose conv gets its bias through the
// epilogue descriptor and its output from the memory plan.
function graphRunner(threads: number) {
  return async (input: Tensor, conv: Conv) => {
    const graph: DeployGraph = {
      inputs: [{ name: 'x', shape: [...input.shape] }],
      outputs: ['y'],
      nodes: [{ op: 'conv', conv, name: 'conv', inputs: ['x'], output: 'y' }],
    };
    const rt = await runtime(threads, true);
    return WasmGraph.compile(rt, graph).run({
      data: Float32Array.from(input.data),
      shape: input.shape,
    }).y.data;
  };
}
describeRuntime({ name: 'wasm graph, 1 thread', run: graphRunner(1), tolerance: 1e-4 });
describeRuntime({ name: 'wasm graph, 2 threads', run: graphRunner(2), tolerance: 1e-4 });
