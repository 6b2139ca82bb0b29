import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { IoError, OnnxFormatError } from './errors.js';

const REASONS: Record<string, string> = {
  ENOENT: 'it does not exist',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  ENAMETOOLONG: 'the name is too long for the file system',
  ELOOP: 'too many symbolic links',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EEXIST: 'it already exists',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
};

/** An {@link IoError} for a failed system call on `path`, with the reason in words and the code. */
export function ioError(where: string, verb: string, path: string, e: unknown): IoError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const reason =
    code !== undefined && code in REASONS
      ? `${REASONS[code]} (${code})`
      : ((e as Error | undefined)?.message ?? String(e));
  return new IoError(`${where}: cannot ${verb} '${path}': ${reason}`, path, { cause: e });
}

/**
 * Opens `path` for reading without ever blocking: FIFOs, sockets and devices open at once
 * (non-blocking) and are refused, as are folders. Returns the descriptor and the file size.
 * Throws {@link IoError} naming the path.
 */
export function openRegularFile(path: string, where: string): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw ioError(where, 'read', path, e);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      const what = stat.isDirectory()
        ? 'a folder'
        : stat.isFIFO()
          ? 'a FIFO (named pipe)'
          : 'not a regular file';
      throw new IoError(`${where}: cannot read '${path}': it is ${what}`, path);
    }
    return { fd, size: stat.size };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** Reads `length` bytes at `offset` of an open file; throws {@link IoError} when it is shorter. */
export function readRange(
  fd: number,
  offset: number,
  length: number,
  path: string,
  where: string,
): Uint8Array {
  const out = new Uint8Array(length);
  let read = 0;
  try {
    while (read < length) {
      const n = readSync(fd, out, read, length - read, offset + read);
      if (n === 0) break;
      read += n;
    }
  } catch (e) {
    throw ioError(where, 'read', path, e);
  }
  if (read < length)
    throw new IoError(
      `${where}: '${path}' ended after ${read} of ${length} bytes (changed while reading?)`,
      path,
    );
  return out;
}

/**
 * Reads `length` bytes at `offset` of `location`, a path relative to `baseDir` that must stay
 * inside it once symbolic links are resolved (external tensor data).
 */
export function readInsideFolder(
  baseDir: string,
  location: string,
  offset: number,
  length: number,
  where: string,
): { file: string; data: Uint8Array } {
  let root: string;
  let file: string;
  try {
    root = realpathSync(baseDir);
    file = realpathSync(resolve(baseDir, location));
  } catch (e) {
    throw ioError(where, 'read external file', location, e);
  }
  if (!file.startsWith(root + sep)) {
    throw new OnnxFormatError(
      `${where}: external file '${location}' resolves outside the model's folder ${root}`,
    );
  }
  const { fd, size } = openRegularFile(file, where);
  try {
    if (offset + length > size) {
      throw new OnnxFormatError(
        `${where}: external range ${offset}+${length} exceeds '${location}' (${size} bytes)`,
      );
    }
    return { file, data: readRange(fd, offset, length, file, where) };
  } finally {
    closeSync(fd);
  }
}

/**
 * The bytes of a regular file (never blocking on a FIFO or device), at most `maxBytes`. Throws
 * {@link IoError} naming the path.
 */
export function readRegularFile(path: string, where: string, maxBytes = 2 ** 31 - 1): Uint8Array {
  const { fd, size } = openRegularFile(path, where);
  try {
    if (size > maxBytes)
      throw new IoError(`${where}: '${path}' has ${size} bytes, more than ${maxBytes}`, path);
    return readRange(fd, 0, size, path, where);
  } finally {
    closeSync(fd);
  }
}
