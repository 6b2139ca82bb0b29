import { ShapeError } from '@reparam/core';

/** The largest int8 magnitude used: symmetric, restricted range [-127, 127] (no -128). */
export const INT8_MAX = 127;

/** How weights share a quantization scale. */
export type WeightGranularity = 'per-tensor' | 'per-channel';

/**
 * Symmetric int8 scales of a weight whose last axis holds `channels` output channels (tfjs
 * layouts: Conv2D HWIO, Dense `[in, out]`; a depthwise kernel `[kh, kw, c, m]` has `c m` output
 * channels, `channels = c m` of its flat last two axes): `max |w| / 127` over the whole weight
 * (`per-tensor`, one scale) or over each output channel (`per-channel`). A zero range gets scale 1.
 */
export function int8Scales(
  values: ArrayLike<number>,
  channels: number,
  granularity: WeightGranularity,
): Float64Array {
  if (!Number.isInteger(channels) || channels < 1 || values.length % channels !== 0) {
    throw new ShapeError(
      `int8Scales: ${values.length} values do not split into ${channels} output channels`,
    );
  }
  const max = new Float64Array(granularity === 'per-tensor' ? 1 : channels);
  for (let i = 0; i < values.length; i++) {
    const c = granularity === 'per-tensor' ? 0 : i % channels;
    max[c] = Math.max(max[c], Math.abs(values[i]));
  }
  // A range too small for a float64 step (or empty) gets scale 1: its values round to 0 either way.
  return max.map((m) => (m / INT8_MAX > 0 ? m / INT8_MAX : 1));
}

/**
 * `clamp(round(v / s), -127, 127) * s` for every value, `s = scales[i % scales.length]` (one
 * scale, or one per output channel of the last axis): what an int8 value dequantizes to.
 */
export function fakeQuantize(values: ArrayLike<number>, scales: ArrayLike<number>): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const s = scales[i % scales.length];
    out[i] = Math.max(-INT8_MAX, Math.min(INT8_MAX, Math.round(values[i] / s))) * s;
  }
  return out;
}
