/** A dense array of weights: float32 for storage and deployment, float64 for exact composition. */
export type Floats = Float32Array | Float64Array;

/** `[top, left, bottom, right]`; negative amounts crop. */
export type Padding4 = readonly [number, number, number, number];
/** Two values, `[vertical, horizontal]`. */
export type Pair = readonly [number, number];

/** Sliding-window geometry of a 2-D convolution. */
export interface Geometry {
  readonly stride: Pair;
  readonly padding: Padding4;
  readonly dilation: Pair;
  readonly groups: number;
}

/**
 * One 2-D convolution `y = W * x + b`.
 * `weight` is OIHW: `shape = [out, in / groups, kh, kw]`, row-major; `bias` has `out` entries.
 */
export interface Conv {
  readonly shape: readonly [number, number, number, number];
  readonly weight: Floats;
  readonly bias: Floats;
  readonly geometry: Geometry;
}

/** Eval-mode batch normalization: `y = gamma * (x - mean) / sqrt(variance + epsilon) + beta`. */
export interface BatchNorm {
  readonly gamma: Floats;
  readonly beta: Floats;
  readonly mean: Floats;
  readonly variance: Floats;
  readonly epsilon: number;
}

/** A dense NCHW tensor in float64, the oracle's number format. */
export interface Tensor {
  readonly shape: readonly [number, number, number, number];
  readonly data: Float64Array;
}
