import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { IoError, UsageError } from '@reparam/onnx';

/**
 * Checks `-o` before any work: not one of the input's files, in an existing folder, and not an
 * existing file unless `force`. Throws {@link UsageError} or {@link IoError} naming the path.
 */
export function checkOutputPath(output: string, inputs: readonly string[], force: boolean): void {
  const target = resolve(output);
  if (inputs.some((p) => resolve(p) === target))
    throw new UsageError(`refusing to overwrite the input '${output}'; choose another -o`);
  const folder = dirname(target);
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new IoError(`cannot write '${output}': its folder does not exist`, output);
  if (existsSync(target)) {
    if (statSync(target).isDirectory())
      throw new IoError(`cannot write '${output}': it is a folder`, output);
    if (!force) throw new UsageError(`'${output}' already exists; pass --force to replace it`);
  }
}
