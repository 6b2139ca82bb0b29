import { OnnxFormatError } from './errors.js';
import { graphTensors, resolveExternalData } from './external-data.js';
import { indexGraph } from './graph.js';
import { decodeModel, encodeModel, type ModelProto } from './proto.js';
import { checkTensor } from './tensor.js';

/** Largest `.onnx` file read (protobuf's own limit is 2 GiB). */
export const MAX_MODEL_BYTES = 2 ** 31 - 1;

/** Options of {@link parseModel}. */
export interface ParseOptions {
  /** Folder that external tensor data is read from; external data is refused without it. */
  baseDir?: string;
  /** Called with the path and byte count of every external data file read. */
  onFile?: (path: string, bytes: number) => void;
  /** Most bytes of external data read (default: no limit); {@link MemoryBudgetError} beyond. */
  maxMemory?: number;
}

/**
 * Decodes `.onnx` bytes, loads external data from `baseDir` only, and checks the result: every
 * tensor's size matches its dims, every node input exists, no cycle. Throws
 * {@link OnnxFormatError} with a one-line message otherwise.
 */
export function parseModel(bytes: Uint8Array, options: ParseOptions = {}): ModelProto {
  const model = decodeModel(bytes);
  resolveExternalData(model, options.baseDir, options.onFile, options.maxMemory);
  checkModel(model);
  return model;
}

/** Structural checks of a decoded model; see {@link parseModel}. */
export function checkModel(model: ModelProto): void {
  const graph = model.graph;
  if (graph === undefined) throw new OnnxFormatError('checkModel: the model has no graph');
  if (model.opsetImport.length === 0)
    throw new OnnxFormatError('checkModel: the model imports no opset');
  for (const t of graphTensors(graph)) checkTensor(t, 'checkModel:');
  if (graph.input.length + graph.initializer.length === 0 && graph.node.length === 0) {
    throw new OnnxFormatError('checkModel: the graph is empty');
  }
  if (graph.output.length === 0) throw new OnnxFormatError('checkModel: the graph has no outputs');
  indexGraph(graph);
}

/** Encodes a model with all tensor data inline. */
export const serializeModel = (model: ModelProto): Uint8Array => encodeModel(model);
