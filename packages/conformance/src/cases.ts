import {
  collapse,
  makeConv,
  randomTensor,
  repvgg,
  seededRandom,
  type Conv,
  type Tensor,
} from '@reparam/core';

/** One conv on one input, with the float64 reference output computed from it. */
export interface ConformanceCase {
  name: string;
  input: Tensor;
  conv: Conv;
}

interface Geometry {
  cin: number;
  cout: number;
  k: [number, number];
  stride?: number | [number, number];
  padding?: [number, number, number, number];
  dilation?: number | [number, number];
  groups?: number;
  n?: number;
  size?: [number, number];
}

const GEOMETRIES: [string, Geometry][] = [
  ['1x1 pointwise', { cin: 5, cout: 7, k: [1, 1] }],
  ['3x3 stride 1 pad 1', { cin: 8, cout: 8, k: [3, 3], padding: [1, 1, 1, 1] }],
  [
    '3x3 stride 1 pad 1, 16 channels, batch 2',
    { cin: 16, cout: 16, k: [3, 3], padding: [1, 1, 1, 1], n: 2, size: [10, 9] },
  ],
  ['3x3 stride 2 pad 1', { cin: 6, cout: 4, k: [3, 3], stride: 2, padding: [1, 1, 1, 1] }],
  ['3x3 no padding', { cin: 3, cout: 5, k: [3, 3] }],
  ['5x5 pad 2', { cin: 4, cout: 6, k: [5, 5], padding: [2, 2, 2, 2] }],
  ['1x3 asymmetric', { cin: 4, cout: 4, k: [1, 3], padding: [0, 1, 0, 1] }],
  ['3x1 asymmetric', { cin: 4, cout: 4, k: [3, 1], padding: [1, 0, 1, 0] }],
  ['3x3 asymmetric padding [0, 1, 2, 1]', { cin: 3, cout: 4, k: [3, 3], padding: [0, 1, 2, 1] }],
  ['3x3 dilation 2 pad 2', { cin: 4, cout: 4, k: [3, 3], dilation: 2, padding: [2, 2, 2, 2] }],
  [
    '3x3 stride [1, 2] dilation [2, 1]',
    { cin: 3, cout: 3, k: [3, 3], stride: [1, 2], dilation: [2, 1], padding: [2, 1, 2, 1] },
  ],
  ['3x3 groups 2', { cin: 8, cout: 6, k: [3, 3], groups: 2, padding: [1, 1, 1, 1] }],
  ['3x3 depthwise', { cin: 8, cout: 8, k: [3, 3], groups: 8, padding: [1, 1, 1, 1] }],
  [
    '3x3 depthwise stride 2',
    { cin: 6, cout: 6, k: [3, 3], groups: 6, stride: 2, padding: [1, 1, 1, 1] },
  ],
  ['5x5 depthwise multiplier 2', { cin: 4, cout: 8, k: [5, 5], groups: 4, padding: [2, 2, 2, 2] }],
  [
    '3x3 stride 1, 32 -> 24 channels, padding [1, 0, 2, 1], odd size',
    { cin: 32, cout: 24, k: [3, 3], padding: [1, 0, 2, 1], size: [13, 11] },
  ],
  [
    '3x3 stride 1, 16 channels, batch 3, odd size',
    { cin: 16, cout: 16, k: [3, 3], padding: [1, 1, 1, 1], n: 3, size: [7, 9] },
  ],
  [
    '7x7 stride 2 pad 3 (a stem)',
    { cin: 3, cout: 8, k: [7, 7], stride: 2, padding: [3, 3, 3, 3], size: [16, 16] },
  ],
];

function values(n: number, seed: number): Float32Array {
  const next = seededRandom(seed);
  return Float32Array.from({ length: n }, () => next() * 2 - 1);
}

function geometryCase(name: string, g: Geometry, seed: number): ConformanceCase {
  const groups = g.groups ?? 1;
  const shape = [g.cout, g.cin / groups, g.k[0], g.k[1]] as const;
  const conv = makeConv({
    shape,
    weight: values(shape[0] * shape[1] * shape[2] * shape[3], seed),
    bias: values(g.cout, seed + 1),
    stride: g.stride,
    padding: g.padding,
    dilation: g.dilation,
    groups,
  });
  const [h, w] = g.size ?? [9, 11];
  return { name, conv, input: randomTensor([g.n ?? 1, g.cin, h, w], seed + 2) };
}

function batchNorm(c: number, seed: number) {
  const next = seededRandom(seed);
  const v = () => Float32Array.from({ length: c }, () => next() * 2 - 1);
  return {
    gamma: v().map((x) => 1 + x / 2),
    beta: v(),
    mean: v(),
    variance: v().map((x) => 1 + x / 2),
    epsilon: 1e-5,
  };
}

/** A collapsed RepVGG block: the conv a deploy model really runs. */
function repvggCase(): ConformanceCase {
  const c = 8;
  const expr = repvgg({
    inChannels: c,
    outChannels: c,
    dense: { weight: values(c * c * 9, 101), batchNorm: batchNorm(c, 102) },
    pointwise: { weight: values(c * c, 103), batchNorm: batchNorm(c, 104) },
    identity: batchNorm(c, 105),
  });
  return {
    name: 'collapsed RepVGG block',
    conv: collapse(expr),
    input: randomTensor([1, c, 12, 10], 106),
  };
}

/**
 * The shared cases every runtime must pass: each geometry and groups setting, plus collapsed
 * blocks. Padding is never negative here: `collapse` turns crops into zero taps, and ONNX and tfjs
 * convs cannot crop (they refuse it with a named error).
 */
export function conformanceCases(): ConformanceCase[] {
  return [...GEOMETRIES.map(([name, g], i) => geometryCase(name, g, 1000 + 10 * i)), repvggCase()];
}
