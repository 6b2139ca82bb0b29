import fc from 'fast-check';
import { makeConv, randomTensor, type Conv, type Tensor } from '@reparam/core';

/** A conv, an input that fits it, and whether ReLU is fused. */
export interface ConvCase {
  readonly conv: Conv;
  readonly input: Tensor;
  readonly relu: boolean;
}

function values(count: number, seed: number): Float32Array {
  const t = randomTensor([1, 1, 1, count], seed);
  return Float32Array.from(t.data);
}

/**
 * Random convs of any geometry: kernels 1-5 (non-square too), stride 1-3, dilation 1-2,
 * asymmetric padding -1..3, groups 1-3 or depthwise, batch 1-2, sizes that leave >= 1 output.
 */
export function convCase(options: { square3x3Stride1?: boolean } = {}): fc.Arbitrary<ConvCase> {
  const s3 = options.square3x3Stride1 ?? false;
  return fc
    .record({
      groups: fc.integer({ min: 1, max: 3 }),
      depthwise: fc.boolean(),
      inPerGroup: fc.integer({ min: 1, max: 6 }),
      outPerGroup: fc.integer({ min: 1, max: 9 }),
      kh: s3 ? fc.constant(3) : fc.integer({ min: 1, max: 5 }),
      kw: s3 ? fc.constant(3) : fc.integer({ min: 1, max: 5 }),
      sh: s3 ? fc.constant(1) : fc.integer({ min: 1, max: 3 }),
      sw: s3 ? fc.constant(1) : fc.integer({ min: 1, max: 3 }),
      dh: s3 ? fc.constant(1) : fc.integer({ min: 1, max: 2 }),
      dw: s3 ? fc.constant(1) : fc.integer({ min: 1, max: 2 }),
      padding: fc.tuple(...[0, 1, 2, 3].map(() => fc.integer({ min: -1, max: 3 }))),
      n: fc.integer({ min: 1, max: 2 }),
      h: fc.integer({ min: 1, max: 19 }),
      w: fc.integer({ min: 1, max: 23 }),
      relu: fc.boolean(),
      seed: fc.integer({ min: 1, max: 1_000_000 }),
    })
    .map((r) => {
      const groups = r.depthwise ? r.groups * 2 : r.groups;
      const ig = r.depthwise ? 1 : r.inPerGroup;
      const o = groups * (r.depthwise ? 1 + (r.outPerGroup % 2) : r.outPerGroup);
      const [pt, pl, pb, pr] = r.padding;
      // Grow the input until the dilated kernel fits at least once.
      const h = Math.max(r.h, r.dh * (r.kh - 1) + 1 - pt - pb);
      const w = Math.max(r.w, r.dw * (r.kw - 1) + 1 - pl - pr);
      const conv = makeConv({
        shape: [o, ig, r.kh, r.kw],
        weight: values(o * ig * r.kh * r.kw, r.seed),
        bias: values(o, r.seed + 1),
        stride: [r.sh, r.sw],
        padding: [pt, pl, pb, pr],
        dilation: [r.dh, r.dw],
        groups,
      });
      return { conv, input: randomTensor([r.n, ig * groups, h, w], r.seed + 2), relu: r.relu };
    });
}
