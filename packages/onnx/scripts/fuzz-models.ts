/**
 * Generators of hostile models for the fuzz script: training-form blocks (RepVGG, also strided,
 * ACB, DBB, two blocks in a row) with edge values (NaN, Infinity, 0, -1, 1e30, 1e38, batch-norm
 * variance <= 0), shape-derived constants under dynamic dims, tensors read inside nested If
 * branches (and a Loop inside an If), activations broadcast over channels.
 */
import { seededRandom } from '@reparam/core';
import { ModelBuilder } from '../src/builder.js';
import type { ModelProto } from '../src/proto.js';
import { DataType, rawTensor } from '../src/tensor.js';
import { acbBlock, dbbBlock, repvggBlock, Rng } from '../src/test-helpers/blocks.js';
import { ifReading, ifWithEndlessLoop } from '../src/test-helpers/subgraphs.js';

/** A generated model, and the input sizes it is converted at and re-run at. */
export interface FuzzModel {
  readonly model: ModelProto;
  /** The block generated, with `+edges` or `+variance` when values were poisoned. */
  readonly kind: string;
  /** True when weights were overwritten with edge values (the model may be ill-conditioned). */
  readonly poisoned: boolean;
  readonly shapes: Record<string, number[]>;
  /** Another size the original accepts: the converted model must agree there too. */
  readonly second: Record<string, number[]>;
}

const EDGES = [Number.NaN, Infinity, -Infinity, 0, -1, 1e30, -1e30, 1e-30, 1e38];
const VARIANCES = [0, -1, -1e-3, -1e30, Number.NaN];

/** Overwrites a few entries of float initializers with edge values (NaN, Inf, 0, -1, 1e30...). */
function poison(model: ModelProto, int: (n: number) => number, variance: boolean): void {
  const floats = model.graph!.initializer.filter(
    (t) =>
      t.dataType === DataType.FLOAT && (!variance || (t.name ?? '').startsWith('bn.running_var')),
  );
  const values = variance ? VARIANCES : EDGES;
  for (let k = 0, n = 1 + int(3); k < n && floats.length > 0; k++) {
    const t = floats[int(floats.length)];
    const data = new Float32Array(t.rawData!.slice().buffer);
    data[int(data.length)] = values[int(values.length)];
    t.rawData = new Uint8Array(data.buffer);
  }
}

const KINDS = ['repvgg', 'acb', 'dbb', 'shape', 'if', 'broadcast', 'chain'] as const;

/** One hostile model for `seed`. */
export function fuzzModel(seed: number): FuzzModel {
  const next = seededRandom(seed);
  const int = (n: number) => Math.floor(next() * n);
  const rng = new Rng(seed);
  const c = 2 + int(3);
  const h = 4 + 2 * int(3);
  const dynamic = int(2) === 0;
  const b = new ModelBuilder(13 + int(9));
  const x = b.input('x', dynamic ? ['N', c, 'H', 'W'] : [1, c, h, h]);
  const shapes = { x: [1, c, h, h] };
  const second = dynamic ? { x: [2, c, h + 2, h + 2] } : shapes;
  const kind = KINDS[int(KINDS.length)];
  let y: string;
  let label: string = kind;
  switch (kind) {
    case 'repvgg': {
      const stride = 1 + int(2);
      y = repvggBlock(b, rng, x, c, c, stride);
      if (stride === 2) label = 'repvgg/2';
      break;
    }
    case 'acb':
      y = acbBlock(b, rng, x, c, 3, int(2) === 0);
      break;
    case 'dbb':
      y = dbbBlock(b, rng, x, [1, c, h, h], 3);
      break;
    case 'chain':
      y = acbBlock(b, rng, repvggBlock(b, rng, x, c, c), c, 3, int(2) === 0);
      break;
    case 'shape': {
      // Conv, then Mul/Div by a dim of Shape(x): exact at one size only
      const conv = b.op('Conv', [x, b.floats([c, c, 1, 1], rng.uniform(c * c))]);
      const dim = b.op('Gather', [b.op('Shape', [x]), b.ints([], [int(4)])], { axis: 0 });
      y = b.op(int(2) ? 'Mul' : 'Div', [conv, b.op('Cast', [dim], { to: 1 })]);
      break;
    }
    case 'if': {
      // a tensor a merge would delete, read inside If branches nested 1-3 deep (or a Loop there)
      const conv = b.op('Conv', [x, b.floats([c, c, 1, 1], rng.uniform(c * c))]);
      y = repvggBlock(b, rng, conv, c, c);
      b.initializers.push(rawTensor('cond', [], DataType.BOOL, Uint8Array.of(int(2))));
      const loop = int(4) === 0;
      b.nodes.push(
        loop ? ifWithEndlessLoop(conv, 'cond', 'z') : ifReading(conv, 'cond', 'z', 1 + int(3)),
      );
      if (loop) label = 'if+loop';
      b.output('z', [1, c, h, h]);
      break;
    }
    default: {
      // a [1,1,H,W] activation times a [1,C,1,1] constant, either side first: not a channel scale
      const one = b.op('Conv', [x, b.floats([1, c, 1, 1], rng.uniform(c))]);
      const k = b.floats([1, c, 1, 1], rng.uniform(c));
      y = b.op('Mul', int(2) ? [k, one] : [one, k]);
    }
  }
  const side = label === 'repvgg/2' ? h / 2 : h;
  b.output(b.op('Relu', [y]), dynamic ? ['N', c, 'H', 'W'] : [1, c, side, side]);
  const model = b.build();
  const poisoning = int(4);
  const poisoned = poisoning <= 1;
  if (poisoned) poison(model, int, poisoning === 1);
  if (poisoned) label += poisoning === 1 ? '+variance' : '+edges';
  return { model, kind: label, poisoned, shapes, second };
}
