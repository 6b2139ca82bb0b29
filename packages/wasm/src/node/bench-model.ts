import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DeployGraph } from '../graph/ir.js';
import { graphFlops } from '../graph/flops.js';
import { inferShapes } from '../graph/shapes.js';
import type { GraphTensor } from '../graph/wasm-graph.js';
import type { ChildReply, ChildRequest } from './bench-child.js';
import type { BenchRuntime } from './runners.js';

/** One runtime and thread count to time. */
export interface BenchConfig {
  readonly runtime: BenchRuntime;
  readonly threads: number;
}

/** The configurations `reparam bench` times by default, in table order. */
export const DEFAULT_CONFIGS: readonly BenchConfig[] = [
  { runtime: 'ours', threads: 1 },
  { runtime: 'ours', threads: 2 },
  { runtime: 'ort-web', threads: 1 },
  { runtime: 'ort-web', threads: 2 },
  { runtime: 'tfjs-wasm', threads: 1 },
  { runtime: 'ort-node', threads: 1 },
  { runtime: 'ort-node', threads: 2 },
];

/** Options of {@link benchModel}. */
export interface BenchOptions {
  readonly configs?: readonly BenchConfig[];
  /** Timed runs per configuration (after `warmup` untimed ones). Default 10. */
  readonly runs?: number;
  readonly warmup?: number;
  /** Called before each configuration starts. */
  readonly onProgress?: (config: BenchConfig, index: number, count: number) => void;
}

/** The result of one configuration. */
export interface BenchResult extends BenchConfig {
  readonly ok: boolean;
  /** Why it did not run (not installed, unsupported model...). */
  readonly error?: string;
  readonly detail?: string;
  readonly medianMs?: number;
  readonly minMs?: number;
  /** Median CPU time of the process per run (all threads): robust to other processes' load. */
  readonly cpuMs?: number;
  /** Direct-convolution GFLOP/s at the median time. */
  readonly gflops?: number;
  /** max |y - y_ref| / max |y_ref| over the outputs, against the reference configuration. */
  readonly relativeError?: number;
}

/** A model's benchmark: every configuration, and which one the errors are relative to. */
export interface BenchReport {
  readonly flops: number;
  readonly reference: string | undefined;
  readonly results: readonly BenchResult[];
}

const CHILD = fileURLToPath(
  new URL(`./bench-child${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);

/**
 * Node flags of a child: this process's (its TypeScript loader when running from sources) and
 * relaxed SIMD, as browsers ship it.
 */
function childFlags(): string[] {
  const flags = [...process.execArgv];
  const hasTsx = flags.some(
    (f, i) => /tsx[/\\]dist[/\\]/.test(f) || (f === 'tsx' && flags[i - 1] === '--import'),
  );
  if (CHILD.endsWith('.ts') && !hasTsx) {
    // Sources run by a tool that transforms in-process (vitest): load them with tsx instead.
    flags.push('--import', 'tsx', '--conditions=@reparam/source');
  }
  if (!flags.includes('--experimental-wasm-relaxed-simd'))
    flags.push('--experimental-wasm-relaxed-simd');
  return flags;
}

/** Forks a child for one configuration and waits for its reply (or its exit). */
function runChild(request: ChildRequest): Promise<ChildReply> {
  const execArgv = childFlags();
  return new Promise((resolve) => {
    const child = fork(CHILD, [], {
      execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    let reply: ChildReply | undefined;
    child.once('message', (m: ChildReply) => (reply = m));
    child.once('exit', (code) =>
      resolve(
        reply ?? {
          ok: false,
          error: `the child exited with code ${code}: ${stderr.trim().slice(0, 1500)}`,
        },
      ),
    );
    child.send(request);
  });
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];

function relativeError(a: Record<string, GraphTensor>, b: Record<string, GraphTensor>): number {
  let worst = 0;
  for (const [name, want] of Object.entries(b)) {
    const got = a[name];
    if (got === undefined || got.data.length !== want.data.length) return Infinity;
    let scale = 0;
    let diff = 0;
    for (let i = 0; i < want.data.length; i++) {
      scale = Math.max(scale, Math.abs(want.data[i]));
      diff = Math.max(diff, Math.abs(got.data[i] - want.data[i]));
    }
    worst = Math.max(worst, scale === 0 ? diff : diff / scale);
  }
  return worst;
}

/**
 * Times one model on each configuration, each in its own child process (one after another),
 * and checks that all outputs agree with the first onnxruntime configuration that ran (ours
 * when none did). A runtime that is not installed or cannot load the model is reported, not
 * fatal.
 */
export async function benchModel(
  model: Uint8Array,
  graph: DeployGraph,
  inputs: Readonly<Record<string, GraphTensor>>,
  options: BenchOptions = {},
): Promise<BenchReport> {
  const configs = options.configs ?? DEFAULT_CONFIGS;
  const shapes = inferShapes(graph, new Map(Object.entries(inputs).map(([k, t]) => [k, t.shape])));
  const flops = graphFlops(graph, shapes);
  const replies: ChildReply[] = [];
  for (const [index, config] of configs.entries()) {
    options.onProgress?.(config, index, configs.length);
    const request = {
      ...config,
      model,
      graph,
      inputs,
      warmup: options.warmup ?? 3,
      runs: options.runs ?? 10,
    };
    replies.push(await runChild(request));
  }
  const refIndex =
    [...configs.keys()].find((i) => replies[i].ok && configs[i].runtime.startsWith('ort')) ??
    replies.findIndex((r) => r.ok);
  const ref = replies[refIndex];
  const results = configs.map((config, i): BenchResult => {
    const r = replies[i];
    if (!r.ok) return { ...config, ok: false, error: r.error };
    const ms = median(r.times);
    return {
      ...config,
      ok: true,
      detail: r.detail,
      medianMs: ms,
      minMs: Math.min(...r.times),
      cpuMs: median(r.cpu),
      gflops: flops / ms / 1e6,
      relativeError: ref?.ok === true ? relativeError(r.outputs, ref.outputs) : undefined,
    };
  });
  const reference =
    refIndex >= 0 ? `${configs[refIndex].runtime} ${configs[refIndex].threads}T` : undefined;
  return { flops, reference, results };
}
