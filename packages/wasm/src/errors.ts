/** The kernels module could not be loaded or instantiated (missing build, no SIMD support...). */
export class WasmLoadError extends Error {
  override readonly name = 'WasmLoadError';
}

/** One node of a model that the wasm runtime does not run, and why. */
export interface UnsupportedNode {
  /** Position in the source model's node list (or layer list, for tfjs models). */
  readonly index: number;
  readonly name: string;
  /** ONNX op type or tfjs layer class. */
  readonly opType: string;
  readonly reason: string;
}

/**
 * A model uses operators or attributes the wasm runtime does not run. Thrown when the model is
 * loaded, never when it runs; `nodes` lists every unsupported node (the message names them too).
 */
export class UnsupportedModelError extends Error {
  override readonly name = 'UnsupportedModelError';
  readonly nodes: readonly UnsupportedNode[];

  constructor(
    message: string,
    options: { readonly nodes?: readonly UnsupportedNode[]; readonly cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.nodes = options.nodes ?? [];
  }

  /** The error for a list of unsupported nodes, one line each in the message. */
  static of(fn: string, nodes: readonly UnsupportedNode[]): UnsupportedModelError {
    const lines = nodes.map((n) => `  node ${n.index} '${n.name}' (${n.opType}): ${n.reason}`);
    return new UnsupportedModelError(
      `${fn}: ${nodes.length} node${nodes.length === 1 ? '' : 's'} the wasm runtime does not run:\n${lines.join('\n')}`,
      { nodes },
    );
  }
}
