import { NotEquivalentError } from '../errors.js';
import type { Conv } from '../types.js';
import { type ConvShape, type FillConv, plainWeight, windowsOf } from './fill-conv.js';
import { covers, leads, patchedTaps, writeLeadRow } from './lead-row.js';
import { addRow, type Placement, placement, type TapLayout } from './retap.js';
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
 * A row led by a dense part in the target's layout (RepVGG's and DBB's KxK branch) whose other
 * parts touch only a few taps (a 1x1, an identity) is written straight from that part, and only
 * the touched taps go through the buffer: the same float64 sums, rounded once, without a
 * buffer pass over the whole row (`fastRows` false: never, for the tests that compare the two).
 */
export function writeWeight(
  c: FillConv,
  out: Float32Array | Float64Array,
  finite = false,
  fastRows = true,
): void {
  const format = out instanceof Float32Array ? 'float32' : 'float64';
  const limit = format === 'float32' ? FLOAT32_MAX : Number.MAX_VALUE;
  const layout = layoutOf(c);
  const outC = c.shape[0];
  const rowLength = c.shape[1] * c.shape[2] * c.shape[3];
  const row = new Float64Array(rowLength);
  // A part in the target's own layout fills whole rows: it goes first and writes instead of adding.
  const placements = c.parts
    .map((p) => placement(p, layout, outC))
    .sort((a, b) => (a.kind === 'same' ? 0 : 1) - (b.kind === 'same' ? 0 : 1));
  const targetTaps = layout.rows.taps * layout.cols.taps;
  let covering: Placement[] = [];
  let rest: Placement[] = [];
  let taps: Int32Array | undefined;
  for (let o = 0; o < outC; o++) {
    const at = o * rowLength;
    // Rows covered by the same parts (all rows, but in concatenations) share the patched taps.
    if (o === 0 || placements.some((p) => covers(p, o) !== covering.includes(p))) {
      covering = placements.filter((p) => covers(p, o));
      rest = covering.slice(1);
      taps =
        fastRows && covering.length > 0 && leads(covering[0])
          ? patchedTaps(rest, targetTaps)
          : undefined;
    }
    const lead = covering[0];
    if (taps !== undefined && writeLeadRow(out, at, row, lead, rest, taps, o, finite, limit) < 0)
      continue;
    let fresh = true;
    for (const p of covering) {
      if (fresh && p.kind !== 'same') row.fill(0);
      addRow(row, p, o, fresh && p.kind === 'same');
      fresh = false;
    }
    if (fresh) row.fill(0);
    if (!finite) out.set(row, at);
    else if (out instanceof Float32Array) storeChecked32(row, out, at, limit);
    else storeChecked64(row, out, at, limit);
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

/** `out.set(row, at)`, refusing a value past `limit` (one pass: check and store). */
function storeChecked32(row: Float64Array, out: Float32Array, at: number, limit: number): void {
  for (let k = 0; k < row.length; k++) {
    const v = row[k];
    if (!(Math.abs(v) <= limit)) throw notFinite('weight', at + k, Math.fround(v), v, 'float32');
    out[at + k] = v;
  }
}

function storeChecked64(row: Float64Array, out: Float64Array, at: number, limit: number): void {
  for (let k = 0; k < row.length; k++) {
    const v = row[k];
    if (!(Math.abs(v) <= limit)) throw notFinite('weight', at + k, v, v, 'float64');
    out[at + k] = v;
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
