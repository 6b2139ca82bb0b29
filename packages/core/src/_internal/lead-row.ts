import { addRow, type Placement } from './retap.js';

/**
 * The fast path of `writeWeight`: a row whose first part is dense in the target's own layout
 * (the lead) is written straight from it, `out[k] = scale * w[k]`, and only the taps the other
 * parts touch go through the float64 buffer, in the same order as the general path (lead, then
 * each part), so every value is the same float64 sum rounded once.
 */

/** Whether placement `p` has row `o` of the target. */
export const covers = (p: Placement, o: number): boolean =>
  o >= p.part.outOffset && o < p.part.outOffset + p.part.conv.shape[0];

/** Whether `p` can lead a row: dense, in the target's layout and order (not tap-major). */
export const leads = (p: Placement): boolean => p.kind === 'same' && p.part.tapMajor !== true;

/**
 * The target taps that the parts after the lead touch (in increasing order), or undefined when
 * they touch half the taps or more (then the general path, one buffer pass, is as fast).
 */
export function patchedTaps(
  rest: readonly Placement[],
  targetTaps: number,
): Int32Array | undefined {
  const marked = new Uint8Array(targetTaps);
  let count = 0;
  for (const p of rest) {
    if (p.kind === 'same') return undefined;
    for (const t of p.tapIndex) {
      count += 1 - marked[t];
      marked[t] = 1;
    }
  }
  if (2 * count >= targetTaps) return undefined;
  const taps = new Int32Array(count);
  for (let t = 0, n = 0; t < targetTaps; t++) if (marked[t] === 1) taps[n++] = t;
  return taps;
}

/**
 * Writes row `o` of the target from its lead `lead` and the other parts `rest`, which touch only
 * `taps`. With `finite`, returns the index (in the row) of the first value outside `±limit` or
 * NaN, else -1; the row is then incomplete (the general path writes it again and says why).
 */
export function writeLeadRow(
  out: Float32Array | Float64Array,
  at: number,
  row: Float64Array,
  lead: Placement,
  rest: readonly Placement[],
  taps: Int32Array,
  o: number,
  finite: boolean,
  limit: number,
): number {
  const local = o - lead.part.outOffset;
  const s = lead.part.rowScale === undefined ? 1 : lead.part.rowScale[local];
  const w = lead.part.conv.weight;
  const n = lead.inPerGroup * lead.targetTaps;
  const src = local * n;
  const bad =
    out instanceof Float32Array
      ? w instanceof Float32Array
        ? scaled32From32(out, at, w, src, n, s, finite, limit)
        : scaled32From64(out, at, w, src, n, s, finite, limit)
      : w instanceof Float32Array
        ? scaled64From32(out, at, w, src, n, s, finite, limit)
        : scaled64From64(out, at, w, src, n, s, finite, limit);
  if (bad >= 0 || rest.length === 0) return bad;
  const stride = lead.targetTaps;
  const channels = lead.inPerGroup;
  for (const t of taps)
    for (let i = 0; i < channels; i++) row[i * stride + t] = s * w[src + i * stride + t];
  for (const p of rest) addRow(row, p, o);
  for (const t of taps) {
    for (let i = 0; i < channels; i++) {
      const k = i * stride + t;
      const v = row[k];
      if (finite && !(Math.abs(v) <= limit)) return k;
      out[at + k] = v;
    }
  }
  return -1;
}

// One loop per pair of array types keeps each monomorphic: the hot loops of a RepVGG collapse.
function scaled32From32(
  out: Float32Array,
  at: number,
  w: Float32Array,
  from: number,
  n: number,
  s: number,
  finite: boolean,
  limit: number,
): number {
  for (let k = 0; k < n; k++) {
    const v = s * w[from + k];
    if (finite && !(Math.abs(v) <= limit)) return k;
    out[at + k] = v;
  }
  return -1;
}

function scaled32From64(
  out: Float32Array,
  at: number,
  w: Float64Array,
  from: number,
  n: number,
  s: number,
  finite: boolean,
  limit: number,
): number {
  for (let k = 0; k < n; k++) {
    const v = s * w[from + k];
    if (finite && !(Math.abs(v) <= limit)) return k;
    out[at + k] = v;
  }
  return -1;
}

function scaled64From32(
  out: Float64Array,
  at: number,
  w: Float32Array,
  from: number,
  n: number,
  s: number,
  finite: boolean,
  limit: number,
): number {
  for (let k = 0; k < n; k++) {
    const v = s * w[from + k];
    if (finite && !(Math.abs(v) <= limit)) return k;
    out[at + k] = v;
  }
  return -1;
}

function scaled64From64(
  out: Float64Array,
  at: number,
  w: Float64Array,
  from: number,
  n: number,
  s: number,
  finite: boolean,
  limit: number,
): number {
  for (let k = 0; k < n; k++) {
    const v = s * w[from + k];
    if (finite && !(Math.abs(v) <= limit)) return k;
    out[at + k] = v;
  }
  return -1;
}
