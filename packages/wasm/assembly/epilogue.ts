// What a conv kernel does to each output after its sum of products, read from a descriptor in
// memory (written by src/_internal/epilogue.ts; 0 = none): y = act(sum + bias[o] + residual),
// or y += sum with the accumulate flag (weight gradients over a batch).
//
//   offset 0  bias       pointer to one float per output channel, 0 for none
//   offset 4  act        ACT_* below
//   offset 8  residual   byte offset from an output element to its residual (flag bit 0)
//   offset 12 flags      bit 0: add the residual; bit 1: accumulate into y
//   offset 16 a, 20 b    f32 parameters: clip min / max, leakyRelu alpha, hardSigmoid alpha / beta
//   offset 24 low, 28 high   f32 bounds when the activation is a clamp (none, ReLU, Clip)
//
// Kernels read the descriptor where they need it rather than holding its values in registers
// across their inner loops (which would spill the accumulators). Clamps use pmin / pmax (one x86
// instruction each; f32x4.min / max need several to propagate NaN and order signed zeros).

export const ACT_NONE = 0;
export const ACT_RELU = 1;
export const ACT_CLIP = 2;
export const ACT_LEAKY_RELU = 3;
export const ACT_HARD_SWISH = 4;
export const ACT_SIGMOID = 5;
export const ACT_HARD_SIGMOID = 6;

export const EPI_RESIDUAL = 1;
export const EPI_ACCUMULATE = 2;

/** The descriptor of "no epilogue": no bias, identity, bounds -inf / +inf. */
const NONE = memory.data<i32>([0, 0, 0, 0, 0, 0, 0xff800000, 0x7f800000]);

/** `epi`, or the static "no epilogue" descriptor for 0. */
export function epilogueOf(epi: usize): usize {
  return epi == 0 ? NONE : epi;
}

export function epiBias(epi: usize): usize {
  return load<usize>(epi);
}
export function epiAct(epi: usize): i32 {
  return load<i32>(epi, 4);
}
/** Byte offset from an output element to its residual (0 also when y is the residual). */
export function epiResidual(epi: usize): isize {
  return <isize>load<i32>(epi, 8);
}
export function epiHasResidual(epi: usize): bool {
  return (load<i32>(epi, 12) & EPI_RESIDUAL) != 0;
}
export function epiAccumulate(epi: usize): bool {
  return (load<i32>(epi, 12) & EPI_ACCUMULATE) != 0;
}
/** True when the activation is a clamp (none, ReLU, Clip): min(max(v, low), high) inline. */
export function epiIsClamp(epi: usize): bool {
  return epiAct(epi) <= ACT_CLIP;
}
export function epiLow(epi: usize): v128 {
  return v128.load32_splat(epi, 24);
}
export function epiHigh(epi: usize): v128 {
  return v128.load32_splat(epi, 28);
}

/** The activation of descriptor `epi` on 4 values. */
export function activate(v: v128, epi: usize): v128 {
  const kind = epiAct(epi);
  if (kind <= ACT_CLIP) return f32x4.pmin(f32x4.pmax(v, epiLow(epi)), epiHigh(epi));
  const a = v128.load32_splat(epi, 16);
  if (kind == ACT_LEAKY_RELU) {
    return v128.bitselect(v, f32x4.mul(v, a), f32x4.ge(v, f32x4.splat(0)));
  }
  if (kind == ACT_HARD_SWISH) {
    // x * clamp(x / 6 + 1/2, 0, 1) (ONNX HardSwish).
    const g = f32x4.add(f32x4.mul(v, f32x4.splat(<f32>(1.0 / 6.0))), f32x4.splat(0.5));
    return f32x4.mul(v, f32x4.pmin(f32x4.pmax(g, f32x4.splat(0)), f32x4.splat(1)));
  }
  if (kind == ACT_HARD_SIGMOID) {
    const g = f32x4.add(f32x4.mul(v, a), v128.load32_splat(epi, 20));
    return f32x4.pmin(f32x4.pmax(g, f32x4.splat(0)), f32x4.splat(1));
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
 * Adds the residual of output address `at` (when the descriptor has one), then applies the
 * activation: the last step of every conv kernel's store.
 */
export function finish(v: v128, at: usize, epi: usize): v128 {
  if (epiHasResidual(epi)) v = f32x4.add(v, v128.load(<usize>(<isize>at + epiResidual(epi))));
  return activate(v, epi);
}

/** {@link finish} for one value. */
export function finish1(v: f32, at: usize, epi: usize): f32 {
  if (epiHasResidual(epi)) v += load<f32>(<usize>(<isize>at + epiResidual(epi)));
  return f32x4.extract_lane(activate(f32x4.splat(v), epi), 0);
}
