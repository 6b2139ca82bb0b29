import type { Conv } from '../types.js';
import type { WeightPart } from './fill-conv.js';
import type { AxisWindow } from './window.js';

/** Target layout of a weight: a window per axis, groups, input and output channels. */
export interface TapLayout {
  readonly rows: AxisWindow;
  readonly cols: AxisWindow;
  readonly groups: number;
  readonly inChannels: number;
}

/**
 * Where the row of a part lands in a row of the target layout: the target tap of each of its
 * taps, and how its rows are grouped. `kind` picks the loop: `same` layout (a straight copy),
 * one tap (`point`), or any other (`general`).
 */
export interface Placement {
  readonly part: WeightPart;
  readonly kind: 'same' | 'point' | 'general';
  readonly tapIndex: Int32Array;
  readonly targetTaps: number;
  readonly outPerGroup: number;
  readonly inPerGroup: number;
  readonly targetOutPerGroup: number;
  readonly targetInPerGroup: number;
}

/** The placement of `part` in a target of `outChannels` rows laid out as `target`. */
export function placement(part: WeightPart, target: TapLayout, outChannels: number): Placement {
  const c = part.separable?.window ?? part.conv;
  const [outC, inPerGroup, kh, kw] = c.shape;
  const { padding, dilation, groups } = c.geometry;
  const row = (u: number) =>
    (u * dilation[0] - padding[0] + target.rows.padBefore) / target.rows.dilation;
  const col = (v: number) =>
    (v * dilation[1] - padding[1] + target.cols.padBefore) / target.cols.dilation;
  const tapIndex = new Int32Array(kh * kw);
  for (let u = 0; u < kh; u++)
    for (let v = 0; v < kw; v++) tapIndex[u * kw + v] = row(u) * target.cols.taps + col(v);
  const targetTaps = target.rows.taps * target.cols.taps;
  const identical = tapIndex.length === targetTaps && tapIndex.every((t, k) => t === k);
  return {
    part,
    kind:
      part.separable !== undefined
        ? 'general'
        : identical && groups === target.groups
          ? 'same'
          : kh === 1 && kw === 1
            ? 'point'
            : 'general',
    tapIndex,
    targetTaps,
    outPerGroup: outC / groups,
    inPerGroup,
    targetOutPerGroup: outChannels / target.groups,
    targetInPerGroup: target.inChannels / target.groups,
  };
}

/**
 * Adds row `o` of the target (an output channel the part covers) from the part into `row`, a
 * float64 buffer of the target's `inPerGroup * taps` values; a `same` part with `overwrite`
 * writes the row instead (it covers all of it).
 */
export function addRow(row: Float64Array, p: Placement, o: number, overwrite = false): void {
  const local = o - p.part.outOffset;
  const scale = p.part.rowScale === undefined ? 1 : p.part.rowScale[local];
  if (scale === 0 && !overwrite) return;
  const w = p.part.conv.weight;
  const taps = p.tapIndex.length;
  const firstIn = Math.floor(local / p.outPerGroup) * p.inPerGroup;
  const targetFirstIn = Math.floor(o / p.targetOutPerGroup) * p.targetInPerGroup;
  const dst = (firstIn - targetFirstIn) * p.targetTaps;
  if (p.part.separable !== undefined) {
    addSeparableRow(row, dst, p, local, scale, p.part.separable.tapFactors);
    return;
  }
  if (p.part.tapMajor === true) {
    // Stored [tap][out][in]: gather the row's values from each tap plane.
    const plane = p.part.conv.shape[0] * p.inPerGroup;
    const src = local * p.inPerGroup;
    for (let t = 0; t < taps; t++) {
      const to = dst + p.tapIndex[t];
      const from = t * plane + src;
      if (overwrite) setStrided(row, to, p.targetTaps, w, from, p.inPerGroup, scale);
      else addStrided(row, to, p.targetTaps, w, from, p.inPerGroup, scale);
    }
    return;
  }
  const src = local * p.inPerGroup * taps;
  if (p.kind === 'same') {
    const n = p.inPerGroup * taps;
    if (overwrite) {
      if (w instanceof Float32Array) setScaled32(row, w, src, n, scale);
      else setScaled64(row, w, src, n, scale);
    } else if (w instanceof Float32Array) addScaled32(row, dst, w, src, n, scale);
    else addScaled64(row, dst, w, src, n, scale);
  } else if (p.kind === 'point') {
    addStrided(row, dst + p.tapIndex[0], p.targetTaps, w, src, p.inPerGroup, scale);
  } else {
    for (let i = 0; i < p.inPerGroup; i++) {
      const from = src + i * taps;
      const to = dst + i * p.targetTaps;
      for (let t = 0; t < taps; t++) row[to + p.tapIndex[t]] += scale * w[from + t];
    }
  }
}

/** Row `local` of a separable part: `scale * w[local, i] * tapFactors[local, t]` at each tap. */
function addSeparableRow(
  row: Float64Array,
  dst: number,
  p: Placement,
  local: number,
  scale: number,
  factors: Float64Array,
): void {
  const w = p.part.conv.weight;
  const tapIndex = p.tapIndex;
  const taps = tapIndex.length;
  const step = p.targetTaps;
  const from = local * p.inPerGroup;
  const f = local * taps;
  for (let t = 0; t < taps; t++) {
    const factor = factors[f + t];
    if (factor === 0) continue;
    const at = dst + tapIndex[t];
    addStrided(row, at, step, w, from, p.inPerGroup, scale * factor);
  }
}

// One loop per source type keeps each monomorphic: these are the hot loops of a RepVGG collapse.
function addScaled32(
  row: Float64Array,
  at: number,
  w: Float32Array,
  from: number,
  n: number,
  s: number,
): void {
  for (let k = 0; k < n; k++) row[at + k] += s * w[from + k];
}

function addScaled64(
  row: Float64Array,
  at: number,
  w: Float64Array,
  from: number,
  n: number,
  s: number,
): void {
  for (let k = 0; k < n; k++) row[at + k] += s * w[from + k];
}

function setScaled32(row: Float64Array, w: Float32Array, from: number, n: number, s: number): void {
  for (let k = 0; k < n; k++) row[k] = s * w[from + k];
}

function setScaled64(row: Float64Array, w: Float64Array, from: number, n: number, s: number): void {
  for (let k = 0; k < n; k++) row[k] = s * w[from + k];
}

function setStrided(
  row: Float64Array,
  at: number,
  step: number,
  w: Conv['weight'],
  from: number,
  n: number,
  s: number,
): void {
  for (let i = 0; i < n; i++) row[at + i * step] = s * w[from + i];
}

function addStrided(
  row: Float64Array,
  at: number,
  step: number,
  w: Conv['weight'],
  from: number,
  n: number,
  s: number,
): void {
  for (let i = 0; i < n; i++) row[at + i * step] += s * w[from + i];
}
