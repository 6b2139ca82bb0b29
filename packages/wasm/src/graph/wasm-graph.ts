import { ShapeError } from '@reparam/core';
import type { ConvAlgorithm, PreparedConv, WasmConvRuntime } from '../conv-runtime.js';
import type { DeployGraph } from './ir.js';
import { fuseGraph } from './fuse.js';
import { planMemory, type MemoryPlan } from './plan.js';
import { inferShapes, type Shapes } from './shapes.js';
import { stepFor, type Step, type StepContext } from './steps.js';

/** A float32 tensor going into or out of a graph: values in row-major (NCHW) order and dims. */
export interface GraphTensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

/** Options of {@link WasmGraph.compile}. */
export interface GraphOptions {
  /** Dims of inputs whose dims the model leaves free (e.g. the batch); fixed dims are checked. */
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
  /** Conv algorithm for every conv (default `auto`). */
  readonly algorithm?: ConvAlgorithm;
}

/** Memory of a compiled graph, in bytes. */
export interface GraphMemory {
  /** The activation arena: the peak of simultaneously live tensors after buffer reuse. */
  readonly activationBytes: number;
  /** What every tensor would take in its own buffer. */
  readonly withoutReuseBytes: number;
  /** Packed weights and constants (kept for the runtime's life). */
  readonly weightBytes: number;
  /** Per-kernel scratch above the arena in the last run (im2col, Winograd transforms). */
  readonly scratchBytes: number;
}

/** One fused step of {@link WasmGraph.profile}. */
export interface StepProfile {
  /** Names of the source nodes the step computes (a conv with its batch-norm, add, ReLU...). */
  readonly nodes: readonly string[];
  readonly op: string;
  /** How it ran (a conv's algorithm). */
  readonly detail: string | undefined;
  /** Dims of the step's output. */
  readonly shape: readonly number[];
  /** Median and fastest time over the runs, in milliseconds. */
  readonly ms: number;
  readonly minMs: number;
}

interface Plan {
  readonly shapes: Shapes;
  readonly steps: readonly Step[];
  readonly memory: MemoryPlan;
  scratchBytes: number;
}

const key = (shapes: readonly (readonly number[])[]) => shapes.map((s) => s.join('x')).join(';');

/**
 * A {@link DeployGraph} compiled for a {@link WasmConvRuntime}: nodes fused (batch-norms and
 * residual adds and activations into the convs' epilogues), weights packed once, and for each
 * input size a schedule whose tensors share one arena (see {@link GraphMemory}). Create with
 * {@link WasmGraph.compile}; `run` takes and returns NCHW float32 tensors.
 */
export class WasmGraph {
  private readonly plans = new Map<string, Plan>();
  private readonly prepared = new Map<string, PreparedConv>();
  private readonly constants = new Map<string, number>();
  private weightBytes = 0;
  private last: Plan | undefined;

  private constructor(
    private readonly rt: WasmConvRuntime,
    readonly graph: DeployGraph,
    private readonly options: GraphOptions,
  ) {}

  /**
   * Checks `graph` and, when every input's dims are known (fixed in the model or given in
   * `inputShapes`), fuses, packs and plans it now, so that a node that does not fit fails here
   * with core's `ShapeError`, not in `run`.
   */
  static compile(rt: WasmConvRuntime, graph: DeployGraph, options: GraphOptions = {}): WasmGraph {
    const compiled = new WasmGraph(rt, graph, options);
    const dims = graph.inputs.map((i) => options.inputShapes?.[i.name] ?? i.shape);
    if (dims.every((d) => d.every((v) => v !== null))) compiled.plan(dims);
    return compiled;
  }

  /** Memory of the most recently planned input size (compile's, or the last run's). */
  get memory(): GraphMemory {
    const plan = this.last;
    return {
      activationBytes: plan?.memory.peakBytes ?? 0,
      withoutReuseBytes: plan?.memory.totalBytes ?? 0,
      weightBytes: this.weightBytes,
      scratchBytes: plan?.scratchBytes ?? 0,
    };
  }

  private plan(dims: readonly (readonly number[])[]): Plan {
    const k = key(dims);
    const cached = this.plans.get(k);
    if (cached !== undefined) return cached;
    const { rt, graph } = this;
    const shapes = inferShapes(graph, new Map(graph.inputs.map((i, n) => [i.name, dims[n]])));
    const before = rt.heap.mark();
    const ctx: StepContext = {
      rt,
      shapes,
      prepared: (node) => {
        const id = node.sources.join('+');
        let p = this.prepared.get(id);
        if (p === undefined) {
          p = rt.prepare(node.conv, {
            activation: node.activation,
            algorithm: this.options.algorithm,
            inputShape: shapes.get(node.inputs[0]),
          });
          this.prepared.set(id, p);
        }
        return p;
      },
      constant: (name, values) => {
        let at = this.constants.get(name);
        if (at === undefined) {
          at = rt.heap.alloc(values.length);
          rt.heap.write(at, values);
          this.constants.set(name, at);
        }
        return at;
      },
    };
    const steps = fuseGraph(graph, shapes).map((node) => stepFor(node, ctx));
    this.weightBytes += rt.heap.mark() - before;
    const bytes = (v: string) => 4 * shapes.get(v)!.reduce((a, b) => a * b, 1);
    const inputs = graph.inputs.map((i) => i.name);
    const memory = planMemory(inputs, steps, graph.outputs, bytes);
    const plan: Plan = { shapes, steps, memory, scratchBytes: 0 };
    this.plans.set(k, plan);
    this.last = plan;
    return plan;
  }

  /**
   * Runs the graph: `inputs` by name, or the one input's tensor. Returns every graph output by
   * name (copies, NCHW float32).
   */
  run(inputs: Readonly<Record<string, GraphTensor>> | GraphTensor): Record<string, GraphTensor> {
    return this.execute(inputs, undefined);
  }

  /**
   * Runs the graph `runs` times and returns each fused step's median time: which source nodes
   * it covers, its op, its output dims and the milliseconds it took.
   */
  profile(inputs: Readonly<Record<string, GraphTensor>> | GraphTensor, runs = 5): StepProfile[] {
    const times: number[][] = [];
    for (let r = 0; r < runs; r++) {
      const t: number[] = [];
      this.execute(inputs, t);
      times.push(t);
    }
    const plan = this.last!;
    return plan.steps.map((step, k) => ({
      nodes: step.node.sources,
      op: step.node.op,
      detail: step.detail,
      shape: plan.shapes.get(step.output)!,
      ms: times.map((t) => t[k]).sort((a, b) => a - b)[runs >> 1],
      minMs: Math.min(...times.map((t) => t[k])),
    }));
  }

  private execute(
    inputs: Readonly<Record<string, GraphTensor>> | GraphTensor,
    times: number[] | undefined,
  ): Record<string, GraphTensor> {
    const { graph, rt } = this;
    const feeds: Readonly<Record<string, GraphTensor>> =
      'data' in inputs && inputs.data instanceof Float32Array
        ? { [graph.inputs[0]?.name ?? '']: inputs as GraphTensor }
        : (inputs as Readonly<Record<string, GraphTensor>>);
    if (graph.inputs.length !== 1 && 'data' in inputs && inputs.data instanceof Float32Array) {
      throw new ShapeError(
        `WasmGraph.run: the graph has ${graph.inputs.length} inputs; pass them by name`,
      );
    }
    const dims = graph.inputs.map((i) => {
      const t = feeds[i.name];
      if (t === undefined) throw new ShapeError(`WasmGraph.run: missing input '${i.name}'`);
      const n = t.shape.reduce((a, b) => a * b, 1);
      if (t.data.length !== n) {
        throw new ShapeError(
          `WasmGraph.run: input '${i.name}' has ${t.data.length} values, dims [${t.shape.join(', ')}] need ${n}`,
        );
      }
      return t.shape;
    });
    const plan = this.plan(dims);
    this.last = plan;
    const heap = rt.heap;
    const mark = heap.mark();
    try {
      const arena = heap.alloc(plan.memory.peakBytes / 4);
      heap.resetHighWater();
      const offsets = plan.memory.offsets;
      const at = (v: string) => arena + offsets.get(v)!;
      for (const i of graph.inputs) heap.write(at(i.name), feeds[i.name].data);
      for (const step of plan.steps) {
        const t0 = times === undefined ? 0 : performance.now();
        step.run(at);
        if (times !== undefined) times.push(performance.now() - t0);
      }
      plan.scratchBytes = Math.max(plan.scratchBytes, heap.highWater - heap.mark());
      const result: Record<string, GraphTensor> = {};
      for (const o of graph.outputs) {
        const shape = plan.shapes.get(o)!;
        result[o] = {
          data: heap
            .f32(
              at(o),
              shape.reduce((a, b) => a * b, 1),
            )
            .slice(),
          shape: [...shape],
        };
      }
      return result;
    } finally {
      heap.release(mark);
    }
  }
}
