import { ShapeError } from '@reparam/core';

/**
 * How the channels of one input of a branch sum are laid out: `branches` B branches of O output
 * channels each, alternating every `stride` S channels (S = O: branch-major, `b O + o`; S = 1:
 * interleaved, `o B + b`; a depthwise conv with B stacked multipliers M: S = M).
 */
export interface BranchLayout {
  branches: number;
  stride: number;
}

/** The output channel that input channel `c` adds into. */
export function outputChannelOf(c: number, l: BranchLayout): number {
  const period = l.branches * l.stride;
  return Math.floor(c / period) * l.stride + (c % l.stride);
}

/** The input channel of branch `b` for output channel `o`. */
export function inputChannelOf(o: number, b: number, l: BranchLayout): number {
  return Math.floor(o / l.stride) * l.branches * l.stride + b * l.stride + (o % l.stride);
}

/** Checks that an input of `channels` channels holds `branches` branches of `outChannels`. */
export function checkLayout(
  fn: string,
  channels: number,
  outChannels: number,
  l: BranchLayout,
): void {
  const ok =
    Number.isInteger(l.branches) &&
    l.branches >= 1 &&
    Number.isInteger(l.stride) &&
    l.stride >= 1 &&
    outChannels % l.stride === 0 &&
    channels === l.branches * outChannels;
  if (!ok) {
    throw new ShapeError(
      `${fn}: an input of ${channels} channels cannot hold ${l.branches} branches of ${outChannels} channels alternating every ${l.stride}`,
    );
  }
}

/**
 * Branch `b` of values stacked per channel (`rowSize` values per channel, e.g. an OIHW weight's
 * rows or a batch-norm vector with rowSize 1): the rows of its `outChannels` channels, in order.
 */
export function branchRows(
  values: ArrayLike<number>,
  rowSize: number,
  outChannels: number,
  l: BranchLayout,
  b: number,
): Float64Array {
  const out = new Float64Array(outChannels * rowSize);
  for (let o = 0; o < outChannels; o++) {
    const from = inputChannelOf(o, b, l) * rowSize;
    for (let r = 0; r < rowSize; r++) out[o * rowSize + r] = values[from + r];
  }
  return out;
}
