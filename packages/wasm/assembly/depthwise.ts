import { epiBias, epilogueOf, finish } from './epilogue';
// Direct depthwise convolution (one input channel per group, m outputs per channel): each output
// row is a sum of kh x kw shifted, scaled input rows, 4 outputs per f32x4. Epilogue (bias,
// residual, activation) fused.

/** 4 inputs for outputs ox..ox+3 of one tap: stride 1 one load, stride 2 even lanes of two. */
function taps(x: usize, sw: i32): v128 {
  if (sw == 1) return v128.load(x);
  if (sw == 2) return v128.shuffle<f32>(v128.load(x), v128.load(x, 16), 0, 2, 4, 6);
  const step = (<usize>sw) << 2;
  let v = f32x4.splat(load<f32>(x));
  v = f32x4.replace_lane(v, 1, load<f32>(x + step));
  v = f32x4.replace_lane(v, 2, load<f32>(x + 2 * step));
  return f32x4.replace_lane(v, 3, load<f32>(x + 3 * step));
}

/**
 * Output planes q0 <= q < q1 (q = image * O + o, O = C * m): y[q] = bias[o] + sum_{i, j}
 * w[o][i][j] * xp[image, o / m][oy sh + i dh][ox sw + j dw], then the epilogue `epi`. `xp` holds
 * zero-padded planes Hp x Wp (image-major, C per image), readable 8 floats past each row's last
 * tap; `w` is OIHW [O][1][kh][kw].
 */
export function depthwiseConv(
  xp: usize,
  Hp: i32,
  Wp: i32,
  C: i32,
  m: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  dh: i32,
  dw: i32,
  w: usize,
  epi: usize,
  y: usize,
  Ho: i32,
  Wo: i32,
  q0: i32,
  q1: i32,
): void {
  const O = C * m;
  const zero = f32x4.splat(0);
  const e = epilogueOf(epi);
  const bias = epiBias(e);
  for (let q = q0; q < q1; q++) {
    const img = q / O;
    const o = q - img * O;
    const plane = xp + ((<usize>(img * C + o / m) * Hp * Wp) << 2);
    const wo = w + ((<usize>o * kh * kw) << 2);
    const b = bias == 0 ? zero : v128.load32_splat(bias + ((<usize>o) << 2));
    const out = y + ((<usize>q * Ho * Wo) << 2);
    for (let oy = 0; oy < Ho; oy++) {
      const orow = out + ((<usize>oy * Wo) << 2);
      for (let ox = 0; ox < Wo; ox += 4) {
        let acc = b;
        for (let i = 0; i < kh; i++) {
          const xrow = plane + ((<usize>((oy * sh + i * dh) * Wp + ox * sw)) << 2);
          for (let j = 0; j < kw; j++) {
            const k = v128.load32_splat(wo + ((<usize>(i * kw + j)) << 2));
            acc = f32x4.add(acc, f32x4.mul(k, taps(xrow + ((<usize>(j * dw)) << 2), sw)));
          }
        }
        const at = orow + ((<usize>ox) << 2);
        if (ox + 4 <= Wo) {
          v128.store(at, finish(acc, at, e));
        } else {
          // Tail: the residual lanes past the row are read, never stored.
          acc = finish(acc, at, e);
          store<f32>(at, f32x4.extract_lane(acc, 0));
          if (ox + 1 < Wo) store<f32>(at, f32x4.extract_lane(acc, 1), 4);
          if (ox + 2 < Wo) store<f32>(at, f32x4.extract_lane(acc, 2), 8);
        }
      }
    }
  }
}
