// What a conv kernel does to each output after its sum of products, read from a descriptor in
// memory (written by src/_internal/epilogue.ts; 0 = none): y = act(sum + bias[o] + residual),
// or y += sum with the accumulate flag (weight gradients over a batch).
//
//   offset 0  bias       pointer to one float per output channel, 0 for none
//   offset 4  act        ACT_* below
//   offset 8  residual   byte offset from an output element to its residual (flag bit 0)
//   offset 12 flags      bit 0: add the residual; bit 1: accumulate into y
//   offset 16 a, 20 b    f32 parameters: clip min / max, leakyRelu alpha, hardSigmoid alpha / beta

export const ACT_NONE = 0;
export const ACT_RELU = 1;
export const ACT_CLIP = 2;
export const ACT_LEAKY_RELU = 3;
export const ACT_HARD_SWISH = 4;
export const ACT_SIGMOID = 5;
export const ACT_HARD_SIGMOID = 6;

export const EPI_RESIDUAL = 1;
export const EPI_ACCUMULATE = 2;

export function epiBias(epi: usize): usize {
  return epi == 0 ? 0 : load<usize>(epi);
}
export function epiAct(epi: usize): i32 {
  return epi == 0 ? ACT_NONE : load<i32>(epi, 4);
}
/** Byte offset from an output element to its residual (0 also when y is the residual). */
export function epiResidual(epi: usize): isize {
  return epi == 0 ? 0 : <isize>load<i32>(epi, 8);
}
export function epiHasResidual(epi: usize): bool {
  return epi != 0 && (load<i32>(epi, 12) & EPI_RESIDUAL) != 0;
}
export function epiAccumulate(epi: usize): bool {
  return epi != 0 && (load<i32>(epi, 12) & EPI_ACCUMULATE) != 0;
}
export function epiA(epi: usize): f32 {
  return epi == 0 ? 0 : load<f32>(epi, 16);
}
export function epiB(epi: usize): f32 {
  return epi == 0 ? 0 : load<f32>(epi, 20);
}

/** The activation `kind` of 4 values (a, b: its splatted parameters). */
export function activate(v: v128, kind: i32, a: v128, b: v128): v128 {
  if (kind == ACT_NONE) return v;
  if (kind == ACT_RELU) return f32x4.max(v, f32x4.splat(0));
  if (kind == ACT_CLIP) return f32x4.min(f32x4.max(v, a), b);
  if (kind == ACT_LEAKY_RELU) {
    return v128.bitselect(v, f32x4.mul(v, a), f32x4.ge(v, f32x4.splat(0)));
  }
  if (kind == ACT_HARD_SWISH) {
    // x * clamp(x / 6 + 1/2, 0, 1) (ONNX HardSwish).
    const g = f32x4.add(f32x4.mul(v, f32x4.splat(<f32>(1.0 / 6.0))), f32x4.splat(0.5));
    return f32x4.mul(v, f32x4.min(f32x4.max(g, f32x4.splat(0)), f32x4.splat(1)));
  }
  if (kind == ACT_HARD_SIGMOID) {
    const g = f32x4.add(f32x4.mul(v, a), b);
    return f32x4.min(f32x4.max(g, f32x4.splat(0)), f32x4.splat(1));
  }
  // Sigmoid: rare (SE gates on C x 1 x 1), lane by lane.
  let r = f32x4.splat(sigmoid(f32x4.extract_lane(v, 0)));
  r = f32x4.replace_lane(r, 1, sigmoid(f32x4.extract_lane(v, 1)));
  r = f32x4.replace_lane(r, 2, sigmoid(f32x4.extract_lane(v, 2)));
  return f32x4.replace_lane(r, 3, sigmoid(f32x4.extract_lane(v, 3)));
}

/** 1 / (1 + e^-x), without overflow for large |x|. */
export function sigmoid(x: f32): f32 {
  if (x >= 0) return <f32>1 / (<f32>1 + Mathf.exp(-x));
  const e = Mathf.exp(x);
  return e / (<f32>1 + e);
}

/**
 * Adds the residual stored `residual` bytes after output address `at` (when `hasResidual`), then
 * applies the activation: the last step of every conv kernel's store.
 */
export function finish(
  v: v128,
  at: usize,
  hasResidual: bool,
  residual: isize,
  kind: i32,
  a: v128,
  b: v128,
): v128 {
  if (hasResidual) v = f32x4.add(v, v128.load(<usize>(<isize>at + residual)));
  return activate(v, kind, a, b);
}

/** {@link finish} for one value. */
export function finish1(
  v: f32,
  at: usize,
  hasResidual: bool,
  residual: isize,
  kind: i32,
  a: v128,
  b: v128,
): f32 {
  if (hasResidual) v += load<f32>(<usize>(<isize>at + residual));
  return f32x4.extract_lane(activate(f32x4.splat(v), kind, a, b), 0);
}
