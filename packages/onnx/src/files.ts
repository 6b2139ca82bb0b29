import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { IoError } from './errors.js';

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
