import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  openSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { OnnxFormatError, UsageError } from './errors.js';
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
}

/**
 * Decodes `.onnx` bytes, loads external data from `baseDir` only, and checks the result: every
 * tensor's size matches its dims, every node input exists, no cycle. Throws
 * {@link OnnxFormatError} with a one-line message otherwise.
 */
export function parseModel(bytes: Uint8Array, options: ParseOptions = {}): ModelProto {
  const model = decodeModel(bytes);
  resolveExternalData(model, options.baseDir);
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

/** Reads and checks an `.onnx` file; external data may only come from the file's own folder. */
export function readModel(path: string): ModelProto {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new UsageError(`readModel: cannot open '${path}' (${(e as Error).message})`, {
      cause: e,
    });
  }
  try {
    const size = fstatSync(fd).size;
    if (!fstatSync(fd).isFile()) throw new UsageError(`readModel: '${path}' is not a file`);
    if (size > MAX_MODEL_BYTES)
      throw new OnnxFormatError(
        `readModel: '${path}' has ${size} bytes, more than protobuf's 2 GiB`,
      );
    const bytes = new Uint8Array(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, bytes, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return parseModel(bytes.subarray(0, read), { baseDir: dirname(resolve(path)) });
  } finally {
    closeSync(fd);
  }
}

/** Encodes a model with all tensor data inline. */
export const serializeModel = (model: ModelProto): Uint8Array => encodeModel(model);

/** Options of {@link writeModel}. */
export interface WriteOptions {
  /** Paths that must never be overwritten (the input model). */
  protect?: readonly string[];
}

/**
 * Writes a model atomically: to a temporary file in the destination folder, then renamed over
 * `path`. Refuses to overwrite any path in `protect`. On failure no file is left behind.
 */
export function writeModel(path: string, model: ModelProto, options: WriteOptions = {}): void {
  const target = resolve(path);
  for (const p of options.protect ?? []) {
    if (sameFile(target, resolve(p)))
      throw new UsageError(`writeModel: refusing to overwrite the input '${p}'`);
  }
  const bytes = serializeModel(model);
  const temp = join(
    dirname(target),
    `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    writeFileSync(temp, bytes, { flag: 'wx' });
    renameSync(temp, target);
  } catch (e) {
    rmSync(temp, { force: true });
    throw new UsageError(`writeModel: cannot write '${path}' (${(e as Error).message})`, {
      cause: e,
    });
  }
}

function sameFile(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    if (realpathSync(a) === realpathSync(b)) return true;
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.ino === sb.ino && sa.dev === sb.dev;
  } catch {
    return false;
  }
}
