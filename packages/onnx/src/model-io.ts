import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  linkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { OnnxFormatError, UsageError } from './errors.js';
import { ioError, openRegularFile, readRange } from './files.js';
import { MAX_MODEL_BYTES, parseModel, serializeModel } from './model-bytes.js';
import { checkBudget } from './memory-budget.js';
import type { ModelProto } from './proto.js';

// Node only: reached through `#node-io` (see _internal/node-io.ts), never from a browser bundle.
// The byte-level half (parseModel, serializeModel...) is in model-bytes.ts.
export {
  checkModel,
  parseModel,
  serializeModel,
  MAX_MODEL_BYTES,
  type ParseOptions,
} from './model-bytes.js';

/** Options of {@link readModel}. */
export interface ReadOptions {
  /** Called with the path and byte count of every file read: the model, then its external data files. */
  onFile?: (path: string, bytes: number) => void;
  /**
   * Most bytes the file and its external data may take together (default: no limit); checked
   * before reading, {@link MemoryBudgetError} beyond.
   */
  maxMemory?: number;
}

/**
 * Reads and checks an `.onnx` file; external data may only come from the file's own folder.
 * Never blocks on a FIFO or device. Throws {@link IoError} naming the path when the file cannot
 * be read, {@link OnnxFormatError} when its content is not a usable model.
 */
export function readModel(path: string, options: ReadOptions = {}): ModelProto {
  const where = 'readModel';
  const { fd, size } = openRegularFile(path, where);
  let bytes: Uint8Array;
  try {
    if (size > MAX_MODEL_BYTES)
      throw new OnnxFormatError(
        `readModel: '${path}' has ${size} bytes, more than protobuf's 2 GiB`,
      );
    checkBudget('readModel', `'${path}'`, size, options.maxMemory ?? Infinity);
    bytes = readRange(fd, 0, size, path, where);
  } finally {
    closeSync(fd);
  }
  options.onFile?.(resolve(path), size);
  return parseModel(bytes, {
    baseDir: dirname(resolve(path)),
    onFile: options.onFile,
    maxMemory: options.maxMemory === undefined ? undefined : options.maxMemory - size,
  });
}

/** Options of {@link writeModel}. */
export interface WriteOptions {
  /** Paths that must never be overwritten (the input model and every file it reads). */
  protect?: readonly string[];
  /** Replace an existing file at `path` (default true); when false, an existing file is an error. */
  overwrite?: boolean;
}

/**
 * Writes a model atomically: to a temporary file in the destination folder, then renamed over
 * `path` (or, with `overwrite: false`, hard-linked, which fails if `path` appeared meanwhile).
 * Refuses to overwrite any path in `protect`. On failure no file is left behind. Returns the
 * number of bytes written. Throws {@link IoError} naming the path when the system refuses.
 */
export function writeModel(path: string, model: ModelProto, options: WriteOptions = {}): number {
  const target = resolve(path);
  for (const p of options.protect ?? []) {
    if (sameFile(target, resolve(p)))
      throw new UsageError(
        `writeModel: refusing to overwrite '${p}', which the input model reads; choose another output`,
      );
  }
  const overwrite = options.overwrite ?? true;
  if (!overwrite && existsSync(target))
    throw new UsageError(`writeModel: '${path}' already exists; pass --force to replace it`);
  const bytes = serializeModel(model);
  const temp = join(
    dirname(target),
    `.${basename(target).slice(0, 200)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    writeFileSync(temp, bytes, { flag: 'wx' });
  } catch (e) {
    rmSync(temp, { force: true });
    throw ioError('writeModel', 'write', path, e);
  }
  try {
    if (overwrite) renameSync(temp, target);
    else {
      linkSync(temp, target); // fails with EEXIST instead of replacing
      rmSync(temp, { force: true });
    }
  } catch (e) {
    rmSync(temp, { force: true });
    if ((e as NodeJS.ErrnoException).code === 'EEXIST')
      throw new UsageError(`writeModel: '${path}' already exists; pass --force to replace it`, {
        cause: e,
      });
    throw ioError('writeModel', 'write', path, e);
  }
  return bytes.length;
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
