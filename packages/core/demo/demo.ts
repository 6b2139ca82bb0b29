// Collapses a few training-time blocks with random weights and shows that the single conv
// computes what the multi-branch structure computes.
import {
  acb,
  collapse,
  conv2dReference,
  costOf,
  dbb,
  evaluate,
  maxAbs,
  maxAbsDiff,
  randomTensor,
  repvgg,
  seededRandom,
  type BatchNorm,
  type Expr,
} from '@reparam/core';

const next = seededRandom(2026);
const w = (n: number) => Float32Array.from({ length: n }, () => next() * 2 - 1);
const bn = (c: number): BatchNorm => ({
  gamma: w(c).map((v) => 1 + v / 2),
  beta: w(c),
  mean: w(c),
  variance: w(c).map((v) => 1 + v / 2),
  epsilon: 1e-5,
});
const c = 16;

const blocks: [string, Expr][] = [
  [
    'RepVGG block (3x3-BN + 1x1-BN + identity-BN)',
    repvgg({
      inChannels: c,
      outChannels: c,
      dense: { weight: w(c * c * 9), batchNorm: bn(c) },
      pointwise: { weight: w(c * c), batchNorm: bn(c) },
      identity: bn(c),
    }),
  ],
  [
    'ACB (3x3-BN + 1x3-BN + 3x1-BN)',
    acb({
      inChannels: c,
      outChannels: c,
      kernelSize: 3,
      square: { weight: w(c * c * 9), batchNorm: bn(c) },
      horizontal: { weight: w(c * c * 3), batchNorm: bn(c) },
      vertical: { weight: w(c * c * 3), batchNorm: bn(c) },
    }),
  ],
  [
    'Diverse Branch Block, stride 2 (4 branches, pad-with-bias)',
    dbb({
      inChannels: c,
      outChannels: 2 * c,
      kernelSize: 3,
      stride: 2,
      origin: { weight: w(2 * c * c * 9), batchNorm: bn(2 * c) },
      pointwise: { weight: w(2 * c * c), batchNorm: bn(2 * c) },
      avg: { pointwise: { weight: w(2 * c * c), batchNorm: bn(2 * c) }, batchNorm: bn(2 * c) },
      kxk: {
        pointwise: { weight: w(c * c), batchNorm: bn(c) },
        kxk: { weight: w(2 * c * c * 9), batchNorm: bn(2 * c) },
      },
    }),
  ],
];

const x = randomTensor([1, c, 32, 32], 7);
for (const [name, expr] of blocks) {
  const merged = collapse(expr);
  const expected = evaluate(expr, x);
  const error = maxAbsDiff(conv2dReference(x, merged).data, expected.data) / maxAbs(expected.data);
  const { training, collapsed } = costOf(expr, x.shape);
  const [o, i, kh, kw] = merged.shape;
  console.log(name);
  console.log(
    `  -> one ${kh}x${kw} conv, ${i * merged.geometry.groups} -> ${o} channels, stride ${merged.geometry.stride[0]}`,
  );
  console.log(`  max |difference| / max |y| on a 32x32 input: ${error.toExponential(2)}`);
  console.log(
    `  params ${training.params} -> ${collapsed.params}, multiply-adds ${training.macs} -> ${collapsed.macs}`,
  );
}
