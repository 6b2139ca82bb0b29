/**
 * Generators of hostile models for the fuzz script: training-form blocks with edge values
 * (NaN, Infinity, variance <= 0, weights near 1e30), shape-derived constants under dynamic dims,
 * tensors read inside nested If branches, activations broadcast over channels.
 */
import { seededRandom } from '@reparam/core';
import { ModelBuilder } from '../src/builder.js';
import type { ModelProto } from '../src/proto.js';
import { DataType, rawTensor } from '../src/tensor.js';
import { acbBlock, dbbBlock, repvggBlock, Rng } from '../src/test-helpers/blocks.js';
import { ifReading } from '../src/test-helpers/subgraphs.js';

/** A generated model, and the input sizes it is converted at and re-run at. */
export interface FuzzModel {
  readonly model: ModelProto;
  readonly kind: string;
  readonly shapes: Record<string, number[]>;
  /** Another size the original accepts: the converted model must agree there too. */
  readonly second: Record<string, number[]>;
}

const EDGES = [Number.NaN, Infinity, -Infinity, 0, -1, 1e30, -1e30, 1e-30, 1e38];

/** Overwrites a few float initializer entries with edge values (NaN, Inf, 0, -1, 1e30...). */
function poison(model: ModelProto, int: (n: number) => number): void {
  const floats = model.graph!.initializer.filter((t) => t.dataType === DataType.FLOAT);
  for (let k = 0, n = int(4); k < n && floats.length > 0; k++) {
    const t = floats[int(floats.length)];
    const data = new Float32Array(t.rawData!.slice().buffer);
    data[int(data.length)] = EDGES[int(EDGES.length)];
    t.rawData = new Uint8Array(data.buffer);
  }
}

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
  const kind = ['repvgg', 'acb', 'dbb', 'shape', 'if', 'broadcast'][int(6)];
  let y: string;
  switch (kind) {
    case 'repvgg':
      y = repvggBlock(b, rng, x, c, c);
      break;
    case 'acb':
      y = acbBlock(b, rng, x, c, 3, int(2) === 0);
      break;
    case 'dbb':
      y = dbbBlock(b, rng, x, [1, c, h, h], 3);
      break;
    case 'shape': {
      // Conv, then Mul/Div by a dim of Shape(x): exact at one size only
      const conv = b.op('Conv', [x, b.floats([c, c, 1, 1], rng.uniform(c * c))]);
      const dim = b.op('Gather', [b.op('Shape', [x]), b.ints([], [int(4)])], { axis: 0 });
      y = b.op(int(2) ? 'Mul' : 'Div', [conv, b.op('Cast', [dim], { to: 1 })]);
      break;
    }
    case 'if': {
      const conv = b.op('Conv', [x, b.floats([c, c, 1, 1], rng.uniform(c * c))]);
      y = repvggBlock(b, rng, conv, c, c);
      b.initializers.push(rawTensor('cond', [], DataType.BOOL, Uint8Array.of(int(2))));
      b.nodes.push(ifReading(conv, 'cond', 'z', 1 + int(3)));
      b.output('z', [1, c, h, h]);
      break;
    }
    default: {
      const one = b.op('Conv', [x, b.floats([1, c, 1, 1], rng.uniform(c))]);
      const k = b.floats([1, c, 1, 1], rng.uniform(c));
      y = b.op('Mul', int(2) ? [k, one] : [one, k]);
    }
  }
  b.output(b.op('Relu', [y]), dynamic ? ['N', c, 'H', 'W'] : [1, c, h, h]);
  const model = b.build();
  if (int(3) === 0) poison(model, int);
  return { model, kind, shapes, second };
}
