import type { WasmConvRuntime, PreparedConv } from '../conv-runtime.js';
import { writeEpilogue } from '../_internal/epilogue.js';
import type { Activation, NodeOf } from './ir.js';
import type { FusedNode } from './fuse.js';
import type { PlanStep } from './plan.js';
import { broadcastsOverPlanes, type Shapes } from './shapes.js';
import { padJs, softmaxJs, transposeJs } from './js-ops.js';

/** Pointer of a value in the current run's arena. */
export type Addresses = (value: string) => number;

/** A scheduled node: what the memory planner needs, and how to run it on arena pointers. */
export interface Step extends PlanStep {
  readonly node: FusedNode;
  /** How it runs, for profiles (a conv's algorithm, kernel and stride). */
  readonly detail?: string;
  run(at: Addresses): void;
}

/** Shared state of a graph's compilation: the runtime and the persistent heap constants. */
export interface StepContext {
  readonly rt: WasmConvRuntime;
  readonly shapes: Shapes;
  /** Packs (once per fused node) a conv with its fused activation. */
  prepared(node: NodeOf<'conv'> & FusedNode): PreparedConv;
  /** Copies constants into the heap once, returning their pointer. */
  constant(key: string, values: ArrayLike<number>): number;
}

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const vectors = (s: readonly number[]) => Math.ceil(size(s) / 4);

/** Runs `fn` with an epilogue descriptor on the heap's stack. */
function withEpilogue(
  rt: WasmConvRuntime,
  bias: number,
  activation: Activation | undefined,
  fn: (epi: number) => void,
): void {
  if (bias === 0 && activation === undefined) return fn(0);
  const mark = rt.heap.mark();
  try {
    fn(writeEpilogue(rt.heap, { bias, activation }));
  } finally {
    rt.heap.release(mark);
  }
}

/** Add / Mul: the largest input, then every other one added (multiplied) in turn. */
function elementwise(node: FusedNode & { op: 'add' | 'mul' }, ctx: StepContext): Step {
  const { rt, shapes } = ctx;
  const out = shapes.get(node.output)!;
  const full = node.inputs.map(
    (v) => !broadcastsOverPlanes(shapes.get(v)!, out) || size(shapes.get(v)!) === size(out),
  );
  const first = full.indexOf(true);
  const rest = node.inputs.map((_, i) => i).filter((i) => i !== first);
  const activation = node.op === 'add' ? node.activation : undefined;
  return {
    node,
    inputs: node.inputs,
    output: node.output,
    // The first operand only: later operands are read after y has been written once.
    inPlace: [first],
    elementwise: true,
    run(at) {
      let acc = at(node.inputs[first]);
      const y = at(node.output);
      rest.forEach((i, k) => {
        const last = k === rest.length - 1;
        const other = at(node.inputs[i]);
        withEpilogue(rt, 0, last ? activation : undefined, (epi) => {
          if (full[i]) {
            const kernel = node.op === 'add' ? 'addVectors' : 'mulVectors';
            const n = vectors(out);
            if (kernel === 'addVectors') rt.exec.run(kernel, [acc, other, y, epi], 0, n, 4 * n);
            else rt.exec.run(kernel, [acc, other, y], 0, n, 4 * n);
          } else {
            const s = shapes.get(node.inputs[i])!;
            const plane = out[2] * out[3];
            const args = [
              acc,
              other,
              y,
              plane,
              out[1],
              s[0] === 1 ? 0 : out[1],
              node.op === 'add' ? 0 : 1,
              epi,
            ] as const;
            rt.exec.run('broadcastPlanes', [...args], 0, out[0] * out[1], size(out));
          }
        });
        acc = y;
      });
    },
  };
}

/** The step running one fused node. */
export function stepFor(node: FusedNode, ctx: StepContext): Step {
  const { rt, shapes } = ctx;
  const x = shapes.get(node.inputs[0])!;
  const out = shapes.get(node.output)!;
  const base = { node, inputs: node.inputs, output: node.output };
  switch (node.op) {
    case 'conv': {
      const prepared = ctx.prepared(node);
      const dims = prepared.dims(x);
      const residual = node.inputs[1];
      const [, , kh, kw] = node.conv.shape;
      const [sh, sw] = node.conv.geometry.stride;
      return {
        ...base,
        detail: `${prepared.algorithm} ${kh}x${kw}${sh * sw > 1 ? ` stride ${sh}x${sw}` : ''}`,
        inPlace: residual === undefined ? [] : [1],
        run: (at) =>
          prepared.runPointers(
            at(node.inputs[0]),
            at(node.output),
            dims,
            residual === undefined ? undefined : at(residual),
          ),
      };
    }
    case 'add':
    case 'mul':
      return elementwise(node, ctx);
    case 'activation':
      return {
        ...base,
        inPlace: [0],
        elementwise: true,
        run: (at) =>
          withEpilogue(rt, 0, node.activation, (epi) =>
            rt.exec.run(
              'activateVectors',
              [at(node.inputs[0]), at(node.output), epi],
              0,
              vectors(out),
              size(out),
            ),
          ),
      };
    case 'channelAffine': {
      const scale = ctx.constant(`${node.name}:scale`, node.scale);
      const shift = ctx.constant(`${node.name}:shift`, node.shift);
      const c = x[1] ?? 1;
      const plane = size(x.slice(2));
      const args = [scale, node.scale.length, shift, node.shift.length, plane, c] as const;
      return {
        ...base,
        inPlace: [0],
        elementwise: true,
        run: (at) =>
          rt.exec.run(
            'channelAffine',
            [at(node.inputs[0]), at(node.output), ...args],
            0,
            x[0] * c,
            size(x),
          ),
      };
    }
    case 'concat':
      return {
        ...base,
        run(at) {
          const f32 = new Float32Array(rt.heap.memory.buffer);
          const inner = size(out.slice(2));
          const y = at(node.output) / 4;
          for (let n = 0; n < out[0]; n++) {
            let channel = 0;
            for (const v of node.inputs) {
              const c = shapes.get(v)![1];
              const src = at(v) / 4 + n * c * inner;
              f32.copyWithin(y + (n * out[1] + channel) * inner, src, src + c * inner);
              channel += c;
            }
          }
        },
      };
    case 'maxPool':
    case 'avgPool': {
      const { kernel, stride, padding } = node.window;
      const include = node.op === 'avgPool' && node.countIncludePad ? 1 : 0;
      const geo = [kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1]] as const;
      return {
        ...base,
        run: (at) => {
          const args = [
            at(node.inputs[0]),
            x[2],
            x[3],
            ...geo,
            at(node.output),
            out[2],
            out[3],
          ] as const;
          const work = size(out) * kernel[0] * kernel[1];
          const kind = [node.op === 'maxPool' ? 1 : 0, include] as const;
          rt.exec.run('pool2d', [...args, ...kind], 0, x[0] * x[1], work);
        },
      };
    }
    case 'globalAvgPool':
    case 'globalMaxPool':
      return {
        ...base,
        run: (at) => {
          const args = [
            at(node.inputs[0]),
            x[2] * x[3],
            at(node.output),
            node.op === 'globalMaxPool' ? 1 : 0,
          ] as const;
          rt.exec.run('globalPool', [...args], 0, x[0] * x[1], size(x));
        },
      };
    case 'pad':
      return {
        ...base,
        run: (at) =>
          padJs(rt.heap, at(node.inputs[0]), x, at(node.output), node.padding, node.value),
      };
    case 'reshape':
      return { ...base, view: true, run: () => undefined };
    case 'dense': {
      const weight = ctx.constant(`${node.name}:weight`, node.weight);
      const bias = ctx.constant(`${node.name}:bias`, node.bias);
      const k = x[x.length - 1];
      const o = node.bias.length;
      const rows = size(x) / k;
      return {
        ...base,
        run: (at) =>
          withEpilogue(rt, bias, node.activation, (epi) =>
            rt.exec.run(
              'dense',
              [weight, at(node.inputs[0]), rows, k, o, at(node.output), epi],
              0,
              o,
              rows * k * o,
            ),
          ),
      };
    }
    case 'softmax':
      return {
        ...base,
        inPlace: [0],
        run: (at) =>
          softmaxJs(rt.heap, at(node.inputs[0]), x, at(node.output), node.axis, node.coerce2d),
      };
    case 'transpose':
      return {
        ...base,
        run: (at) => transposeJs(rt.heap, at(node.inputs[0]), x, at(node.output), node.perm),
      };
  }
}
