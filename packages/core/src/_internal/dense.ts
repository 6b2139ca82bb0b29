import { NotEquivalentError } from '../errors.js';
import type { Conv } from '../types.js';
import { type ConvShape, type FillConv, plainWeight, windowsOf } from './fill-conv.js';
import { addRow, placement, type TapLayout } from './retap.js';
import { scratch } from './scratch.js';

/** The layout a conv's weight is stored in. */
export function layoutOf(c: ConvShape): TapLayout {
  const [rows, cols] = windowsOf(c);
  return { rows, cols, groups: c.geometry.groups, inChannels: c.shape[1] * c.geometry.groups };
}

/** Values of a conv's weight: `out * in/groups * kh * kw`. */
export const weightSize = (c: ConvShape): number =>
  c.shape[0] * c.shape[1] * c.shape[2] * c.shape[3];

/**
 * Adds up the parts of `c` into `out` (OIHW in `c`'s layout): one output row at a time in a
 * float64 buffer, so a float32 `out` is rounded once, after every part is in. With `finite`, a
 * value that is not finite in `out`'s format (float32 overflows past 3.4e38) is refused.
 */
export function writeWeight(c: FillConv, out: Float32Array | Float64Array, finite = false): void {
  const limit = out instanceof Float32Array ? FLOAT32_MAX : Number.MAX_VALUE;
  const layout = layoutOf(c);
  const outC = c.shape[0];
  const rowLength = c.shape[1] * c.shape[2] * c.shape[3];
  const row = new Float64Array(rowLength);
  // A part in the target's own layout fills whole rows: it goes first and writes instead of adding.
  const placements = c.parts
    .map((p) => placement(p, layout, outC))
    .sort((a, b) => (a.kind === 'same' ? 0 : 1) - (b.kind === 'same' ? 0 : 1));
  for (let o = 0; o < outC; o++) {
    let fresh = true;
    for (const p of placements) {
      const local = o - p.part.outOffset;
      if (local < 0 || local >= p.part.conv.shape[0]) continue;
      if (fresh && p.kind !== 'same') row.fill(0);
      addRow(row, p, o, fresh && p.kind === 'same');
      fresh = false;
    }
    if (fresh) row.fill(0);
    if (finite)
      checkRow(row, limit, o * rowLength, out instanceof Float32Array ? 'float32' : 'float64');
    out.set(row, o * rowLength);
  }
}

/**
 * The dense weight of `c`: its one stored part when it is plain, else the parts added up (in
 * scratch memory: read it within the current scratch scope).
 */
export function denseWeight(c: FillConv): Conv['weight'] {
  const plain = plainWeight(c);
  if (plain !== undefined) return plain;
  const out = scratch(weightSize(c), false);
  writeWeight(c, out);
  return out;
}

/** `c` as a plain float64 conv (a fresh copy: the caller may keep or change it). */
export function materialize(c: FillConv): Conv & { weight: Float64Array; bias: Float64Array } {
  const weight = new Float64Array(weightSize(c));
  writeWeight(c, weight);
  return { shape: c.shape, geometry: c.geometry, weight, bias: Float64Array.from(c.bias) };
}

const FLOAT32_MAX = 3.4028234663852886e38;

function checkRow(row: Float64Array, limit: number, at: number, format: string): void {
  for (let k = 0; k < row.length; k++) {
    if (!(Math.abs(row[k]) <= limit)) {
      const stored = format === 'float32' ? Math.fround(row[k]) : row[k];
      throw notFinite('weight', at + k, stored, row[k], format);
    }
  }
}

/** The refusal of a merged value that the result's number format cannot hold. */
export function notFinite(
  name: string,
  index: number,
  stored: number,
  exact: number,
  format: string,
): NotEquivalentError {
  const why = Number.isFinite(exact)
    ? `${exact.toExponential(3)} overflows ${format}; scale the block's weights down or collapse with precision 'float64'`
    : 'the block has infinite or NaN weights';
  return new NotEquivalentError('collapse', `merged ${name}[${index}] is ${stored}: ${why}`);
}
