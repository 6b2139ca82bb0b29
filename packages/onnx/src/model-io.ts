import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  linkSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { OnnxFormatError, UsageError } from './errors.js';
import { ioError, openRegularFile, readRange } from './files.js';
import { MAX_MODEL_BYTES, parseModel, serializeModel } from './model-bytes.js';
import { checkBudget } from './memory-budget.js';
import type { ModelProto } from './proto.js';
import { initializerBytes, withExternalData, type ExternalPiece } from './external-data-out.js';

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
  /** Called with the model file's bytes (without external data), e.g. for `convertModel`'s `modelBytes`. */
  onBytes?: (bytes: Uint8Array) => void;
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
  options.onBytes?.(bytes);
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
  /**
   * Write initializers of at least this many bytes to one external data file next to the model,
   * `<file name>.data`. Default: only when the initializers would not fit inline (more than
   * `maxInlineBytes`), then with a threshold of 1 KiB.
   */
  externalData?: number;
  /** Largest size of initializers written inline when `externalData` is not given (default 2 GiB - 1 MiB, below protobuf's limit). */
  maxInlineBytes?: number;
  /**
   * The model's encoding, when at hand (`convertModel` returns it): written as it is instead of
   * encoding again, unless initializers go to external data.
   */
  bytes?: Uint8Array;
}

/** Threshold of the external data written automatically for models too large to write inline. */
export const AUTO_EXTERNAL_THRESHOLD = 1024;

/**
 * Writes a model atomically: to temporary files in the destination folder, then renamed over
 * `path` (or, with `overwrite: false`, hard-linked, which fails if `path` appeared meanwhile).
 * Large initializers go to `<file name>.data` next to it (`externalData`, automatic when they
 * would exceed protobuf's 2 GiB inline), written and renamed before the model. Refuses to
 * overwrite any path in `protect`. On failure no temporary file is left behind. Returns the
 * number of bytes written (model and data). Throws {@link IoError} naming the path when the
 * system refuses.
 */
export function writeModel(path: string, model: ModelProto, options: WriteOptions = {}): number {
  const target = resolve(path);
  const overwrite = options.overwrite ?? true;
  const threshold =
    options.externalData ??
    (initializerBytes(model) > (options.maxInlineBytes ?? MAX_MODEL_BYTES - 2 ** 20)
      ? AUTO_EXTERNAL_THRESHOLD
      : undefined);
  const location = `${basename(target)}.data`;
  const layout = threshold === undefined ? undefined : withExternalData(model, threshold, location);
  // the data file first: the model is renamed into place last, once everything it reads is there
  const files = [
    ...(layout === undefined || layout.pieces.length === 0
      ? []
      : [
          {
            target: join(dirname(target), location),
            label: join(dirname(path), location),
            pieces: layout.pieces,
          },
        ]),
    {
      target,
      label: path,
      pieces: [
        {
          tensor: '',
          offset: 0,
          bytes:
            layout === undefined && options.bytes !== undefined
              ? options.bytes
              : serializeModel(layout?.model ?? model),
        },
      ],
    },
  ];
  for (const f of files) {
    for (const p of options.protect ?? []) {
      if (sameFile(f.target, resolve(p)))
        throw new UsageError(
          `writeModel: refusing to overwrite '${p}', which the input model reads; choose another output`,
        );
    }
    if (!overwrite && existsSync(f.target))
      throw new UsageError(`writeModel: '${f.label}' already exists; pass --force to replace it`);
  }
  const temps = files.map((f) => tempName(f.target));
  const committed: string[] = [];
  try {
    files.forEach((f, k) => writePieces(temps[k], f.pieces, f.label));
    for (const [k, f] of files.entries()) {
      commit(temps[k], f.target, f.label, overwrite);
      committed.push(f.target);
    }
  } catch (e) {
    // a data file without its model (the model's rename failed) is removed too
    if (committed.length < files.length) for (const t of committed) rmSync(t, { force: true });
    throw e;
  } finally {
    for (const t of temps) rmSync(t, { force: true });
  }
  return files.reduce(
    (n, f) => n + f.pieces.reduce((end, p) => Math.max(end, p.offset + p.bytes.length), 0),
    0,
  );
}

const tempName = (target: string) =>
  join(
    dirname(target),
    `.${basename(target).slice(0, 200)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );

/** Writes each piece at its offset into a new file `temp`; `target` names it in errors. */
function writePieces(temp: string, pieces: readonly ExternalPiece[], target: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx');
    for (const p of pieces) {
      for (let done = 0; done < p.bytes.length;) {
        const chunk = p.bytes.subarray(done, done + 2 ** 30);
        done += writeSync(fd, chunk, 0, chunk.length, p.offset + done);
      }
    }
  } catch (e) {
    throw ioError('writeModel', 'write', target, e);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Moves a complete temporary file to its target: replacing it, or only when it does not exist. */
function commit(temp: string, target: string, label: string, overwrite: boolean): void {
  try {
    if (overwrite) renameSync(temp, target);
    else linkSync(temp, target); // fails with EEXIST instead of replacing
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST')
      throw new UsageError(`writeModel: '${label}' already exists; pass --force to replace it`, {
        cause: e,
      });
    throw ioError('writeModel', 'write', label, e);
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
