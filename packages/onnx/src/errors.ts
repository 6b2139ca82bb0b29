/**
 * The bytes, graph or tensors given to `@reparam/onnx` do not form a usable ONNX model
 * (truncated or random bytes, a cycle, a missing initializer, impossible sizes, external data
 * outside the model's folder...). The message names the function and the offending values.
 */
export class OnnxFormatError extends Error {
  override readonly name = 'OnnxFormatError';
}

/**
 * The converted model does not compute the same outputs as the original within the tolerance.
 * Nothing was written. `worstOutput` and `worstRegion` name where the difference is largest.
 */
export class VerificationError extends Error {
  override readonly name = 'VerificationError';
  constructor(
    message: string,
    readonly worstOutput: string,
    readonly worstRegion: string | undefined,
    readonly relativeError: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The caller asked for something the options or the model's inputs cannot give (e.g. a dynamic dim without `--shape`). */
export class UsageError extends Error {
  override readonly name: string = 'UsageError';
}

/** A node {@link OpsetUpgradeError} refuses: its label, its operator and version, and why. */
export interface RefusedNode {
  readonly node: string;
  /** e.g. `Resize-10`. */
  readonly operator: string;
  readonly why: string;
}

/**
 * A model cannot be written at the opset asked for (`--opset`) exactly: some nodes' old meaning
 * is not what any form of their operator at that opset computes. `nodes` lists each of them;
 * `highest` is the newest opset all of them can still be written at.
 */
export class OpsetUpgradeError extends UsageError {
  override readonly name: string = 'OpsetUpgradeError';
  constructor(
    message: string,
    readonly nodes: readonly RefusedNode[],
    readonly highest: number,
  ) {
    super(message);
  }
}

/**
 * A file could not be read or written: missing, unreadable, a folder, not a regular file, a name
 * too long, a full disk... `path` is the file; the message names it and the system's reason.
 */
export class IoError extends Error {
  override readonly name = 'IoError';
  constructor(
    message: string,
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * A model, tensor or step would need more memory than the budget (`maxMemory`, the CLI's
 * `--max-memory`). Checked before allocating; the message names what and how many bytes.
 */
export class MemoryBudgetError extends Error {
  override readonly name = 'MemoryBudgetError';
  constructor(
    message: string,
    readonly bytes: number,
    readonly budget: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * A model too large to convert: onnxruntime is handed a model as one serialized protobuf
 * message, which cannot exceed 2 GiB, so a model whose tensors alone take more (weights in
 * external data files) cannot be probed or verified. `bytes` is what its tensors take, `limit`
 * the most a conversion can handle. Checked before anything runs.
 */
export class ModelTooLargeError extends Error {
  override readonly name = 'ModelTooLargeError';
  constructor(
    message: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(message);
  }
}
