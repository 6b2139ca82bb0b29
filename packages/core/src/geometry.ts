import { ShapeError } from './errors.js';
import type { Geometry, Pair, Padding4 } from './types.js';

/** Options for {@link geometry}; every field defaults to a plain stride-1, unpadded conv. */
export interface GeometryOptions {
  stride?: number | Pair;
  /** One number for all sides, `[vertical, horizontal]`, or `[top, left, bottom, right]`. */
  padding?: number | Pair | Padding4;
  dilation?: number | Pair;
  groups?: number;
}

const pair = (v: number | Pair): Pair => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

function padding4(p: number | Pair | Padding4): Padding4 {
  if (typeof p === 'number') return [p, p, p, p];
  if (p.length === 2) return [p[0], p[1], p[0], p[1]];
  return [p[0], p[1], p[2], p[3]];
}

/** Builds a {@link Geometry} from short options: `geometry({ padding: 1 })`. */
export function geometry(options: GeometryOptions = {}): Geometry {
  const g: Geometry = {
    stride: pair(options.stride ?? 1),
    padding: padding4(options.padding ?? 0),
    dilation: pair(options.dilation ?? 1),
    groups: options.groups ?? 1,
  };
  validateGeometry(g, 'geometry');
  return g;
}

/** Throws a {@link ShapeError} naming `fn` unless strides, dilations and groups are positive integers. */
export function validateGeometry(g: Geometry, fn: string): void {
  const positive = [...g.stride, ...g.dilation, g.groups];
  if (!positive.every((v) => Number.isInteger(v) && v >= 1)) {
    throw new ShapeError(
      `${fn}: stride ${fmt(g.stride)}, dilation ${fmt(g.dilation)} and groups ${g.groups} must be positive integers`,
    );
  }
  if (!g.padding.every((v) => Number.isInteger(v))) {
    throw new ShapeError(`${fn}: padding ${fmt(g.padding)} must be integers`);
  }
}

/** Output length along one axis: `floor((size + before + after - dilation * (k - 1) - 1) / stride) + 1`. */
export function outputLength(
  size: number,
  kernel: number,
  stride: number,
  before: number,
  after: number,
  dilation: number,
): number {
  return Math.floor((size + before + after - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** Formats a tuple for error messages. */
export const fmt = (values: readonly number[] | ArrayLike<number>): string =>
  `[${Array.from(values).join(', ')}]`;
