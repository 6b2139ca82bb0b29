import { seededRandom } from '@reparam/core';
import { float, type ModelBuilder } from '../builder.js';

/** Seeded random numbers for test weights. */
export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  uniform(n: number, lo = -1, hi = 1): number[] {
    return Array.from({ length: n }, () => lo + (hi - lo) * this.next());
  }
}

/** A Conv node with random weights (OIHW) and optional bias. */
export function convNode(
  b: ModelBuilder,
  rng: Rng,
  x: string,
  cin: number,
  cout: number,
  k: [number, number],
  attrs: {
    pads?: number[];
    strides?: number[];
    group?: number;
    dilations?: number[];
    bias?: boolean;
  } = {},
): string {
  const g = attrs.group ?? 1;
  const scale = 1 / Math.sqrt((cin / g) * k[0] * k[1]);
  const w = b.floats(
    [cout, cin / g, k[0], k[1]],
    rng.uniform(cout * (cin / g) * k[0] * k[1], -scale, scale),
    'conv.weight',
  );
  const inputs = [x, w];
  if (attrs.bias) inputs.push(b.floats([cout], rng.uniform(cout, -0.5, 0.5), 'conv.bias'));
  return b.op('Conv', inputs, {
    kernel_shape: k,
    pads: attrs.pads ?? [0, 0, 0, 0],
    strides: attrs.strides ?? [1, 1],
    group: g,
    dilations: attrs.dilations ?? [1, 1],
  });
}

/** A BatchNormalization node with random, non-identity statistics. */
export function bnNode(b: ModelBuilder, rng: Rng, x: string, c: number): string {
  return b.op(
    'BatchNormalization',
    [
      x,
      b.floats([c], rng.uniform(c, 0.5, 1.5), 'bn.weight'),
      b.floats([c], rng.uniform(c, -0.5, 0.5), 'bn.bias'),
      b.floats([c], rng.uniform(c, -0.5, 0.5), 'bn.running_mean'),
      b.floats([c], rng.uniform(c, 0.5, 2), 'bn.running_var'),
    ],
    { epsilon: float(1e-5) },
  );
}

/** A training-form RepVGG block: 3x3+BN + 1x1+BN (+ BN identity) added, then ReLU. */
export function repvggBlock(
  b: ModelBuilder,
  rng: Rng,
  x: string,
  cin: number,
  cout: number,
  stride = 1,
): string {
  const dense = bnNode(
    b,
    rng,
    convNode(b, rng, x, cin, cout, [3, 3], { pads: [1, 1, 1, 1], strides: [stride, stride] }),
    cout,
  );
  const point = bnNode(
    b,
    rng,
    convNode(b, rng, x, cin, cout, [1, 1], { strides: [stride, stride] }),
    cout,
  );
  let y = b.op('Add', [dense, point]);
  if (cin === cout && stride === 1) y = b.op('Add', [y, bnNode(b, rng, x, cin)]);
  return b.op('Relu', [y]);
}

/** An ACB block: KxK, 1xK and Kx1 convs each with BN, added. `crop` makes the side convs read a cropped input (Slice) instead of padding asymmetrically. */
export function acbBlock(
  b: ModelBuilder,
  rng: Rng,
  x: string,
  c: number,
  k: number,
  crop: boolean,
): string {
  const p = k >> 1;
  const square = bnNode(b, rng, convNode(b, rng, x, c, c, [k, k], { pads: [p, p, p, p] }), c);
  let hx = x;
  let vx = x;
  if (crop) {
    // the side convs pad by p on both axes, then crop the p extra rows (hor) or columns (ver)
    const hp = b.op('Pad', [x, b.ints([8], [0, 0, p, p, 0, 0, p, p])]);
    hx = b.op('Slice', [hp, b.ints([1], [p]), b.ints([1], [-p]), b.ints([1], [2])]);
    const vp = b.op('Pad', [x, b.ints([8], [0, 0, p, p, 0, 0, p, p])]);
    vx = b.op('Slice', [vp, b.ints([1], [p]), b.ints([1], [-p]), b.ints([1], [3])]);
  }
  const hor = bnNode(
    b,
    rng,
    convNode(b, rng, hx, c, c, [1, k], { pads: crop ? [0, 0, 0, 0] : [0, p, 0, p] }),
    c,
  );
  const ver = bnNode(
    b,
    rng,
    convNode(b, rng, vx, c, c, [k, 1], { pads: crop ? [0, 0, 0, 0] : [p, 0, p, 0] }),
    c,
  );
  return b.op('Relu', [b.op('Sum', [square, hor, ver])]);
}

/** Writes per-channel `values` into the border of width `p` of an NCHW tensor with ScatterND (constant indices). */
export function padWithValues(
  b: ModelBuilder,
  x: string,
  dims: [number, number, number, number],
  p: number,
  values: string,
): string {
  const [n, c, h, w] = dims;
  const padded = b.op('Pad', [x, b.ints([8], [0, 0, p, p, 0, 0, p, p])]);
  const H = h + 2 * p;
  const W = w + 2 * p;
  const idx: number[] = [];
  for (let bi = 0; bi < n; bi++)
    for (let ci = 0; ci < c; ci++)
      for (let y = 0; y < H; y++)
        for (let xi = 0; xi < W; xi++) {
          if (y < p || y >= H - p || xi < p || xi >= W - p) idx.push(bi, ci, y, xi);
        }
  const count = idx.length / 4;
  const upd = b.op('Expand', [
    b.op('Reshape', [values, b.ints([4], [1, c, 1, 1])]),
    b.ints([4], [n, c, H, W]),
  ]);
  const gathered = b.op('GatherND', [upd, b.ints([count, 4], idx)]);
  return b.op('ScatterND', [padded, b.ints([count, 4], idx), gathered]);
}

/** A DBB block: KxK+BN, 1x1+BN, 1x1+BN -> pad-with-bias -> avgpool+BN, 1x1+BN -> pad-with-bias -> KxK+BN; added. */
export function dbbBlock(
  b: ModelBuilder,
  rng: Rng,
  x: string,
  dims: [number, number, number, number],
  k: number,
): string {
  const [, c] = dims;
  const p = k >> 1;
  const origin = bnNode(b, rng, convNode(b, rng, x, c, c, [k, k], { pads: [p, p, p, p] }), c);
  const one = bnNode(b, rng, convNode(b, rng, x, c, c, [1, 1]), c);
  const avgIn = bnNode(b, rng, convNode(b, rng, x, c, c, [1, 1]), c);
  const avg = bnNode(
    b,
    rng,
    b.op('AveragePool', [padWithValues(b, avgIn, dims, p, bnValueAtZero(b, avgIn))], {
      kernel_shape: [k, k],
      strides: [1, 1],
      count_include_pad: 1,
    }),
    c,
  );
  const kxIn = bnNode(b, rng, convNode(b, rng, x, c, c, [1, 1]), c);
  const kx = bnNode(
    b,
    rng,
    convNode(b, rng, padWithValues(b, kxIn, dims, p, bnValueAtZero(b, kxIn)), c, c, [k, k]),
    c,
  );
  return b.op('Relu', [b.op('Sum', [origin, one, avg, kx])]);
}

/** The per-channel value a BatchNormalization gives for input 0 (beta - mean * gamma / sqrt(var + eps)), computed in the graph. */
function bnValueAtZero(b: ModelBuilder, bnOut: string): string {
  const node = b.nodes.find((n) => n.output[0] === bnOut)!;
  const [, g, beta, mean, variance] = node.input;
  const std = b.op('Sqrt', [b.op('Add', [variance, b.floats([1], [1e-5])])]);
  return b.op('Sub', [beta, b.op('Div', [b.op('Mul', [mean, g]), std])]);
}
