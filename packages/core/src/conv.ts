import { ShapeError } from './errors.js';
import {
  fmt,
  geometry as makeGeometry,
  validateGeometry,
  type GeometryOptions,
} from './geometry.js';
import type { Conv, Floats } from './types.js';

/** Options for {@link makeConv}: the weight in OIHW, an optional bias, and the geometry. */
export interface ConvInit extends GeometryOptions {
  /** `[out, in / groups, kh, kw]`. */
  shape: readonly [number, number, number, number];
  weight: Floats | readonly number[];
  bias?: Floats | readonly number[];
}

/** Builds a validated {@link Conv}; a missing bias is zero. Arrays are used as given, not copied. */
export function makeConv(init: ConvInit): Conv {
  checkNumbers(init.weight, 'weight');
  if (init.bias !== undefined) checkNumbers(init.bias, 'bias');
  const g = makeGeometry(init);
  const weight =
    init.weight instanceof Float32Array || init.weight instanceof Float64Array
      ? init.weight
      : Float64Array.from(init.weight);
  const out = init.shape[0];
  const bias =
    init.bias === undefined
      ? new Float64Array(out)
      : init.bias instanceof Float32Array || init.bias instanceof Float64Array
        ? init.bias
        : Float64Array.from(init.bias);
  const conv: Conv = { shape: [...init.shape], weight, bias, geometry: g };
  validateConv(conv, 'makeConv');
  return conv;
}

/** Plain arrays may hold anything at run time: every entry must be a number. */
function checkNumbers(values: Floats | readonly number[], what: string): void {
  if (ArrayBuffer.isView(values)) return;
  if (!Array.isArray(values))
    throw new ShapeError(`makeConv: ${what} must be an array of numbers, got ${typeof values}`);
  const bad = (values as readonly unknown[]).findIndex((v) => typeof v !== 'number');
  if (bad >= 0) {
    const v: unknown = values[bad];
    throw new ShapeError(
      `makeConv: ${what}[${bad}] is ${typeof v === 'string' ? `'${v}'` : String(v)} (${typeof v}), not a number`,
    );
  }
}

/** Input channel count of a conv: `shape[1] * groups`. */
export const inChannels = (conv: Conv): number => conv.shape[1] * conv.geometry.groups;

/** Throws a {@link ShapeError} naming `fn` if the conv's arrays, shape and geometry disagree. */
export function validateConv(conv: Conv, fn: string): void {
  const [o, i, kh, kw] = conv.shape;
  if (![o, i, kh, kw].every((v) => Number.isInteger(v) && v >= 1)) {
    throw new ShapeError(
      `${fn}: weight shape ${fmt(conv.shape)} must be four positive integers (OIHW)`,
    );
  }
  validateGeometry(conv.geometry, fn);
  if (conv.weight.length !== o * i * kh * kw) {
    throw new ShapeError(
      `${fn}: weight has ${conv.weight.length} entries, shape ${fmt(conv.shape)} needs ${o * i * kh * kw}`,
    );
  }
  if (conv.bias.length !== o) {
    throw new ShapeError(
      `${fn}: bias has ${conv.bias.length} entries, the conv has ${o} output channels`,
    );
  }
  if (o % conv.geometry.groups !== 0) {
    throw new ShapeError(
      `${fn}: ${o} output channels are not divisible by groups ${conv.geometry.groups}`,
    );
  }
}

/** The same conv with float32 weight and bias (a copy unless already float32). */
export function toFloat32(conv: Conv): Conv {
  return { ...conv, weight: new Float32Array(conv.weight), bias: new Float32Array(conv.bias) };
}
