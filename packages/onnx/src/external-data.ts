import { readInsideFolder } from '#node-io';
import { OnnxFormatError } from './errors.js';
import { checkBudget } from './memory-budget.js';
import type { GraphProto, ModelProto, TensorProto } from './proto.js';
import { bytesPerElement, elementCount } from './tensor.js';

/** Every tensor stored in a graph: initializers and tensors in node attributes, subgraphs included. */
export function* graphTensors(graph: GraphProto): Generator<TensorProto> {
  yield* graph.initializer;
  for (const node of graph.node) {
    for (const a of node.attribute) {
      if (a.t !== undefined) yield a.t;
      yield* a.tensors;
      if (a.g !== undefined) yield* graphTensors(a.g);
      for (const g of a.graphs) yield* graphTensors(g);
    }
  }
}

/**
 * Loads every tensor whose data lives in an external file (`data_location = EXTERNAL`) into
 * `rawData`, reading only files inside `baseDir` (the model's own folder; symbolic links are
 * resolved before the check). Throws {@link OnnxFormatError} for paths outside the folder or
 * ranges that do not match the tensor's size, {@link IoError} for files that cannot be read
 * (missing, a folder, a FIFO). `onFile` is told the path and byte count of each read.
 */
export function resolveExternalData(
  model: ModelProto,
  baseDir: string | undefined,
  onFile?: (path: string, bytes: number) => void,
  maxBytes = Infinity,
): void {
  if (model.graph === undefined) return;
  // All external tensors together, before reading any (one sparse file can declare terabytes).
  let total = 0;
  for (const t of graphTensors(model.graph)) {
    if (t.dataLocation !== 1) continue;
    const where = `resolveExternalData: tensor '${t.name ?? ''}'`;
    total += elementCount(t.dims, where) * (bytesPerElement(t.dataType ?? 0) ?? 0);
    checkBudget(
      'resolveExternalData',
      `external data up to tensor '${t.name ?? ''}'`,
      total,
      maxBytes,
    );
  }
  for (const t of graphTensors(model.graph)) {
    if (t.dataLocation !== 1) continue;
    const where = `resolveExternalData: tensor '${t.name ?? ''}'`;
    if (baseDir === undefined)
      throw new OnnxFormatError(
        `${where} has external data but the model was not read from a file`,
      );
    const entries = new Map(t.externalData.map((e) => [e.key ?? '', e.value ?? '']));
    const location = entries.get('location') ?? '';
    const offset = Number(entries.get('offset') ?? '0');
    const size = bytesPerElement(t.dataType ?? 0);
    if (size === undefined)
      throw new OnnxFormatError(
        `${where}: external data of type ${t.dataType ?? 0} is not supported`,
      );
    const expected = elementCount(t.dims, where) * size;
    const length = entries.has('length') ? Number(entries.get('length')) : expected;
    if (location === '' || isAbsolutePath(location) || location.includes('\0')) {
      throw new OnnxFormatError(
        `${where}: external location '${location}' must be a relative path inside the model's folder`,
      );
    }
    if (!Number.isSafeInteger(offset) || offset < 0 || length !== expected) {
      throw new OnnxFormatError(
        `${where}: external range offset ${offset} length ${length} does not match the ${expected} bytes its dims need`,
      );
    }
    const { file, data } = readInsideFolder(baseDir, location, offset, length, where);
    onFile?.(file, length);
    t.rawData = data;
    t.dataLocation = 0;
    t.externalData = [];
  }
}

/** POSIX or Windows absolute path (drive letter, UNC), checked without Node's `path`. */
const isAbsolutePath = (p: string): boolean => /^([/\\]|[A-Za-z]:)/.test(p);
