// Times every workload on one runtime in this process and prints one JSON line:
//   tsx --conditions=@reparam/source bench/run-one.ts <ours|tfjs-wasm|ort-web> <threads>
// (One process per runtime and thread count: onnxruntime-web fixes its thread count at start.)
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { Conv } from '@reparam/core';
import { WasmConvRuntime, WasmGraph, type DeployGraph, type GraphNode } from '../src/index.js';
import { weightsOf, workloads, type NetSpec } from './cases.js';
import { onnxModel } from './onnx-model.js';

type Runner = (input: Float32Array) => Promise<Float32Array> | Float32Array;

async function timeIt(run: Runner, input: Float32Array): Promise<{ ms: number; sum: number }> {
  let out = await run(input);
  for (let i = 0; i < 2; i++) out = await run(input);
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 5 || (times.length < 30 && performance.now() - start < 2000)) {
    const t = performance.now();
    out = await run(input);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  let sum = 0;
  for (const v of out) sum += Math.abs(v);
  return { ms: times[times.length >> 1], sum };
}

async function ours(threads: number): Promise<(net: NetSpec) => Runner> {
  const rt = await WasmConvRuntime.create({ threads });
  return (net) => {
    const { convs, biases } = weightsOf(net);
    const nodes: GraphNode[] = [];
    let x = 'input';
    net.convs.forEach((c, i) => {
      const p = c.kernel >> 1;
      const conv: Conv = {
        shape: [c.outC, c.inC, c.kernel, c.kernel],
        weight: convs[i],
        bias: biases[i],
        geometry: {
          stride: [c.stride, c.stride],
          padding: [p, p, p, p],
          dilation: [1, 1],
          groups: 1,
        },
      };
      const activation = c.relu ? ({ kind: 'relu' } as const) : undefined;
      nodes.push({
        op: 'conv',
        conv,
        activation,
        name: `conv${i}`,
        inputs: [x],
        output: `conv${i}`,
      });
      x = `conv${i}`;
    });
    if (net.classes > 0) {
      nodes.push({ op: 'globalAvgPool', name: 'gap', inputs: [x], output: 'gap' });
      nodes.push({ op: 'reshape', flattenAxis: 1, name: 'flat', inputs: ['gap'], output: 'flat' });
      const weight = convs[convs.length - 1];
      const bias = biases[biases.length - 1];
      nodes.push({ op: 'dense', weight, bias, name: 'fc', inputs: ['flat'], output: 'fc' });
      x = 'fc';
    }
    const graph: DeployGraph = {
      inputs: [{ name: 'input', shape: [...net.inputShape] }],
      outputs: [x],
      nodes,
    };
    const compiled = WasmGraph.compile(rt, graph);
    return (input) => compiled.run({ data: input, shape: net.inputShape })[x].data;
  };
}

async function tfjsWasm(): Promise<(net: NetSpec) => Runner> {
  const tf = await import('@tensorflow/tfjs');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  wasm.setWasmPaths(`${dir}/`);
  await tf.setBackend('wasm');
  return (net) => {
    const { convs, biases } = weightsOf(net);
    // OIHW -> HWIO at this boundary only.
    const filters = net.convs.map((c, i) => {
      const k = c.kernel;
      const hwio = new Float32Array(convs[i].length);
      for (let o = 0; o < c.outC; o++)
        for (let ci = 0; ci < c.inC; ci++)
          for (let y = 0; y < k; y++)
            for (let x = 0; x < k; x++)
              hwio[((y * k + x) * c.inC + ci) * c.outC + o] =
                convs[i][((o * c.inC + ci) * k + y) * k + x];
      return tf.tensor4d(hwio, [k, k, c.inC, c.outC]);
    });
    const bs = biases.map((b) => tf.tensor1d(b));
    const head =
      net.classes > 0
        ? tf
            .tensor2d(convs[convs.length - 1], [net.classes, net.convs[net.convs.length - 1].outC])
            .transpose()
        : undefined;
    const [n, c, h, w] = net.inputShape;
    return (input) => {
      const y = tf.tidy(() => {
        let x: import('@tensorflow/tfjs').Tensor4D = tf
          .tensor4d(input, [n, c, h, w])
          .transpose([0, 2, 3, 1]);
        net.convs.forEach((spec, i) => {
          x = tf.conv2d(x, filters[i], spec.stride, spec.kernel >> 1).add(bs[i]);
          if (spec.relu) x = tf.relu(x);
        });
        if (head === undefined) return x;
        return tf.matMul(tf.mean(x, [1, 2]), head).add(bs[bs.length - 1]);
      });
      const data = y.dataSync() as Float32Array;
      y.dispose();
      return data;
    };
  };
}

async function ortWeb(threads: number): Promise<(net: NetSpec) => Promise<Runner>> {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = threads;
  return async (net) => {
    const { convs, biases } = weightsOf(net);
    const session = await ort.InferenceSession.create(onnxModel(net, convs, biases), {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
    });
    return async (input) => {
      const out = await session.run({
        input: new ort.Tensor('float32', input, [...net.inputShape]),
      });
      return out.output.data as Float32Array;
    };
  };
}

const [which, threadArg] = process.argv.slice(2);
const threads = Number(threadArg ?? 1);
const results: Record<string, { ms: number; sum: number }> = {};
const make =
  which === 'ours'
    ? await ours(threads)
    : which === 'tfjs-wasm'
      ? await tfjsWasm()
      : await ortWeb(threads);
for (const net of workloads()) {
  const run = await make(net);
  const size = net.inputShape.reduce((a, b) => a * b);
  const input = Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.37));
  results[net.name] = await timeIt(run, input);
}
console.log(JSON.stringify({ runtime: which, threads, results }));
process.exit(0);
