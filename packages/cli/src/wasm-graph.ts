import type { ModelProto } from '@reparam/onnx';
import type { DeployGraph } from '@reparam/wasm';

/**
 * The wasm runtime's graph of `model`. An {@link UnsupportedModelError} is rethrown with every
 * unsupported node on its one line (the CLI prints the first line of a message).
 */
export async function wasmGraphOf(model: ModelProto): Promise<DeployGraph> {
  // loaded on use: the other commands start without the runtime
  const { graphFromOnnx, UnsupportedModelError } = await import('@reparam/wasm');
  try {
    return graphFromOnnx(model);
  } catch (e) {
    if (!(e instanceof UnsupportedModelError)) throw e;
    const nodes = e.nodes.map((n) => `node ${n.index} '${n.name}' (${n.opType}): ${n.reason}`);
    throw new UnsupportedModelError(
      `${e.nodes.length} node${e.nodes.length === 1 ? '' : 's'} the wasm runtime does not run: ${nodes.join('; ')}`,
      { nodes: e.nodes, cause: e },
    );
  }
}
