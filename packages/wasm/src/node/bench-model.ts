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

/** Default time limit of one configuration (a model that never ends must not hang a bench). */
export const DEFAULT_BENCH_TIMEOUT_MS = 120_000;

/** Options of {@link benchModel}. */
export interface BenchOptions {
  readonly configs?: readonly BenchConfig[];
  /** Timed runs per configuration (after `warmup` untimed ones). Default 10. */
  readonly runs?: number;
  readonly warmup?: number;
  /**
   * Milliseconds one configuration (load, warm-up and timed runs) may take before its child is
   * killed and the configuration reported as timed out. Default {@link DEFAULT_BENCH_TIMEOUT_MS}.
   */
  readonly timeoutMs?: number;
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
  /** Direct-convolution FLOPs of one run (NaN when the graph could not be loaded). */
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

/** Forks a child for one configuration and waits for its reply (or its exit, or the time limit). */
function runChild(request: ChildRequest, timeoutMs: number): Promise<ChildReply> {
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
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('message', (m: ChildReply) => (reply = m));
    child.once('exit', (code) => {
      clearTimeout(timer);
      const error = timedOut
        ? `timed out after ${timeoutMs / 1000} s (load, warm-up and runs); raise the time limit`
        : `the child exited with code ${code}: ${stderr.trim().slice(0, 1500)}`;
      resolve(reply ?? { ok: false, error });
    });
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

const usesGraph = (runtime: BenchRuntime) => runtime === 'ours' || runtime === 'tfjs-wasm';

/**
 * Times one model on each configuration, each in its own child process (one after another,
 * each killed after `timeoutMs`), and checks that all outputs agree with the first onnxruntime
 * configuration that ran (ours when none did). A runtime that is not installed, cannot load the
 * model or runs out of time is reported, not fatal; so is `graph` when it is the error
 * `graphFromOnnx` threw (ours and tfjs then report it, onnxruntime still runs).
 */
export async function benchModel(
  model: Uint8Array,
  graph: DeployGraph | Error,
  inputs: Readonly<Record<string, GraphTensor>>,
  options: BenchOptions = {},
): Promise<BenchReport> {
  const configs = options.configs ?? DEFAULT_CONFIGS;
  const flops =
    graph instanceof Error
      ? NaN
      : graphFlops(
          graph,
          inferShapes(graph, new Map(Object.entries(inputs).map(([k, t]) => [k, t.shape]))),
        );
  const replies: ChildReply[] = [];
  for (const [index, config] of configs.entries()) {
    options.onProgress?.(config, index, configs.length);
    if (graph instanceof Error && usesGraph(config.runtime)) {
      replies.push({ ok: false, error: `${graph.name}: ${graph.message}` });
      continue;
    }
    const request = {
      ...config,
      model,
      graph: graph instanceof Error ? undefined : graph,
      inputs,
      warmup: options.warmup ?? 3,
      runs: options.runs ?? 10,
    };
    replies.push(await runChild(request, options.timeoutMs ?? DEFAULT_BENCH_TIMEOUT_MS));
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
      gflops: Number.isNaN(flops) ? undefined : flops / ms / 1e6,
      relativeError: ref?.ok === true ? relativeError(r.outputs, ref.outputs) : undefined,
    };
  });
  const reference =
    refIndex >= 0 ? `${configs[refIndex].runtime} ${configs[refIndex].threads}T` : undefined;
  return { flops, reference, results };
}
