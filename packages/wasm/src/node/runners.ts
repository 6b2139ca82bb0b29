import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { WasmConvRuntime } from '../conv-runtime.js';
import type { DeployGraph } from '../graph/ir.js';
import { WasmGraph, type GraphTensor } from '../graph/wasm-graph.js';
import { tfjsGraph } from './tfjs-graph.js';

/** The runtimes `reparam bench` compares. */
export type BenchRuntime = 'ours' | 'ort-web' | 'ort-node' | 'tfjs-wasm';

/** What a benchmark child gets: the model in both forms and the inputs. */
export interface RunnerInput {
  readonly runtime: BenchRuntime;
  readonly threads: number;
  /** The `.onnx` bytes (for onnxruntime). */
  readonly model: Uint8Array;
  /** The same model as a graph (for ours and tfjs; absent when it could not be loaded). */
  readonly graph?: DeployGraph;
  readonly inputs: Readonly<Record<string, GraphTensor>>;
}

/** A loaded model on one runtime. */
export interface Runner {
  /** What actually ran (threads in use, SIMD flavour, backend). */
  readonly detail: string;
  run(): Promise<Record<string, GraphTensor>>;
  dispose(): Promise<void>;
}

type OrtTensor = { readonly data: unknown; readonly dims: readonly number[] };
type OrtSession = {
  run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
};
type OrtModule = {
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => unknown;
  InferenceSession: { create(bytes: Uint8Array, options: object): Promise<OrtSession> };
};

async function ortRunner(
  ort: OrtModule,
  input: RunnerInput,
  options: object,
  detail: string,
): Promise<Runner> {
  const session = await ort.InferenceSession.create(input.model, {
    graphOptimizationLevel: 'all',
    ...options,
  });
  const feeds = Object.fromEntries(
    Object.entries(input.inputs).map(([k, t]) => [k, new ort.Tensor('float32', t.data, t.shape)]),
  );
  return {
    detail,
    async run() {
      const out = await session.run(feeds);
      return Object.fromEntries(
        Object.entries(out).map(([k, t]) => [
          k,
          { data: t.data as Float32Array, shape: [...t.dims] },
        ]),
      );
    },
    dispose: () => session.release(),
  };
}

function graphOf(input: RunnerInput): DeployGraph {
  if (input.graph === undefined)
    throw new Error(`loadRunner: ${input.runtime} runs the model's graph, which was not given`);
  return input.graph;
}

async function ours(input: RunnerInput): Promise<Runner> {
  const rt = await WasmConvRuntime.create({ threads: input.threads });
  const inputShapes = Object.fromEntries(
    Object.entries(input.inputs).map(([k, t]) => [k, t.shape]),
  );
  const graph = WasmGraph.compile(rt, graphOf(input), { inputShapes });
  const simd = rt.relaxedSimd ? 'relaxed SIMD' : 'SIMD128';
  return {
    detail: `${rt.threads} thread(s), ${simd}, arena ${(graph.memory.activationBytes / 2 ** 20).toFixed(1)} MiB`,
    run: () => Promise.resolve(graph.run(input.inputs)),
    dispose: () => Promise.resolve(rt.dispose()),
  };
}

async function tfjs(input: RunnerInput): Promise<Runner> {
  const tf = await import('@tensorflow/tfjs');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  const file = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
  wasm.setWasmPaths(`${dirname(file)}/`);
  wasm.setThreadsCount(input.threads);
  await tf.setBackend('wasm');
  const run = tfjsGraph(tf, graphOf(input));
  return {
    detail: `tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}`,
    run: () => Promise.resolve(run(input.inputs)),
    dispose: () => Promise.resolve(),
  };
}

/** Loads `input.model` on its runtime (each runtime's packages are imported only here). */
export async function loadRunner(input: RunnerInput): Promise<Runner> {
  switch (input.runtime) {
    case 'ours':
      return ours(input);
    case 'tfjs-wasm':
      return tfjs(input);
    case 'ort-web': {
      const ort = await import('onnxruntime-web');
      ort.env.wasm.numThreads = input.threads;
      ort.env.logLevel = 'error';
      return ortRunner(
        ort,
        input,
        { executionProviders: ['wasm'] },
        `onnxruntime-web ${ort.env.versions.web ?? ''}`,
      );
    }
    case 'ort-node': {
      const ort = await import('onnxruntime-node');
      const options = {
        intraOpNumThreads: input.threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        // Idle threads must not spin: the machine is shared (and so is each run's other core).
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      };
      return ortRunner(ort, input, options, `onnxruntime-node ${ort.env.versions.node ?? ''}`);
    }
  }
}
