import type { Conv } from '../types.js';
import type { AxisWindow } from './window.js';

/** Target layout for {@link accumulateRetapped}: a window per axis, groups and input channels. */
export interface TapLayout {
  readonly rows: AxisWindow;
  readonly cols: AxisWindow;
  readonly groups: number;
  readonly inChannels: number;
}

/**
 * Adds `factor * conv` into `out`, a weight of layout `target` with `outOffset` output channels
 * before this conv's: each tap moves to the position it reads in the target window, each input
 * channel to its place in the coarser group (`target.groups` must divide the conv's groups).
 */
export function accumulateRetapped(
  out: Float64Array,
  target: TapLayout,
  conv: Conv,
  outOffset = 0,
  factor = 1,
): void {
  const [outC, inPerGroup, kh, kw] = conv.shape;
  const { padding, dilation, groups } = conv.geometry;
  const outPerGroup = outC / groups;
  const totalOut =
    out.length / ((target.inChannels / target.groups) * target.rows.taps * target.cols.taps);
  const targetOutPerGroup = totalOut / target.groups;
  const targetInPerGroup = target.inChannels / target.groups;
  const rowIndex = Int32Array.from(
    { length: kh },
    (_, u) => (u * dilation[0] - padding[0] + target.rows.padBefore) / target.rows.dilation,
  );
  const colIndex = Int32Array.from(
    { length: kw },
    (_, v) => (v * dilation[1] - padding[1] + target.cols.padBefore) / target.cols.dilation,
  );
  const tk = target.rows.taps * target.cols.taps;
  const w = conv.weight;
  if (
    groups === target.groups &&
    kh * kw === tk &&
    rowIndex.every((r, u) => r === u) &&
    colIndex.every((c, v) => c === v)
  ) {
    // Same layout: the conv's block is contiguous in the target.
    const start = outOffset * inPerGroup * tk;
    for (let k = 0; k < w.length; k++) out[start + k] += factor * w[k];
    return;
  }
  if (kh === 1 && kw === 1) {
    // One tap (a 1x1 branch, an identity): one target position per (o, i).
    const at = rowIndex[0] * target.cols.taps + colIndex[0];
    for (let o = 0; o < outC; o++) {
      const firstIn = Math.floor(o / outPerGroup) * inPerGroup;
      const to = o + outOffset;
      const base =
        (to * targetInPerGroup + firstIn - Math.floor(to / targetOutPerGroup) * targetInPerGroup) *
          tk +
        at;
      for (let i = 0; i < inPerGroup; i++) out[base + i * tk] += factor * w[o * inPerGroup + i];
    }
    return;
  }
  for (let o = 0; o < outC; o++) {
    const firstIn = Math.floor(o / outPerGroup) * inPerGroup;
    const to = o + outOffset;
    const targetFirstIn = Math.floor(to / targetOutPerGroup) * targetInPerGroup;
    for (let i = 0; i < inPerGroup; i++) {
      const src = (o * inPerGroup + i) * kh * kw;
      const dst = (to * targetInPerGroup + firstIn + i - targetFirstIn) * tk;
      for (let u = 0; u < kh; u++) {
        const row = dst + rowIndex[u] * target.cols.taps;
        for (let v = 0; v < kw; v++) out[row + colIndex[v]] += factor * w[src + u * kw + v];
      }
    }
  }
}
