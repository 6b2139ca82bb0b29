import { readRegularFile, UsageError, type DenseTensor } from '@reparam/onnx';
import { parse } from 'npyjs';

/** numpy dtype codes (without byte order) and the onnxruntime type each becomes. */
const TYPES: Readonly<Record<string, string>> = {
  f2: 'float16',
  f4: 'float32',
  f8: 'float64',
  i1: 'int8',
  u1: 'uint8',
  i2: 'int16',
  u2: 'uint16',
  i4: 'int32',
  u4: 'uint32',
  i8: 'int64',
  u8: 'uint64',
  b1: 'bool',
};

/** Largest `.npy` file read (1 GiB). */
const MAX_NPY_BYTES = 2 ** 30;

/**
 * `NAME=path.npy` -> `{ NAME: tensor }`: reads a numpy array (little-endian, C order, a numeric
 * or bool dtype) as a dense tensor of the same element type and shape. Throws
 * {@link UsageError} for a malformed spec or an array it cannot take, `IoError` for a file that
 * cannot be read.
 */
export function readNpyInput(spec: string): Record<string, DenseTensor> {
  const eq = spec.indexOf('=');
  if (eq < 1 || eq === spec.length - 1)
    throw new UsageError(`--input '${spec}' must look like NAME=file.npy`);
  const name = spec.slice(0, eq);
  const path = spec.slice(eq + 1);
  const bytes = readRegularFile(path, '--input', MAX_NPY_BYTES);
  const where = `--input ${name}: '${path}'`;
  // npyjs reads big-endian data as if it were little-endian: refuse it from the header first
  const header = new TextDecoder('latin1').decode(bytes.subarray(0, 256));
  if (/'descr':\s*'>/.test(header))
    throw new UsageError(
      `${where} is big-endian; save it with x.astype(x.dtype.newbyteorder('<'))`,
    );
  let array: ReturnType<typeof parse>;
  try {
    array = parse(bytes.slice().buffer, { convertFloat16: false });
  } catch (e) {
    throw new UsageError(`${where} is not a .npy array numpy wrote (${(e as Error).message})`, {
      cause: e,
    });
  }
  const type = TYPES[array.dtype];
  if (type === undefined)
    throw new UsageError(
      `${where} has dtype '${array.dtype}'; the inputs take ${Object.keys(TYPES).join(', ')}`,
    );
  if (array.fortranOrder)
    throw new UsageError(`${where} is in Fortran order; save np.ascontiguousarray(x) instead`);
  const count = array.shape.reduce((a, b) => a * b, 1);
  const data = Array.isArray(array.data)
    ? Uint8Array.from(array.data as boolean[], (b) => (b ? 1 : 0))
    : (array.data as DenseTensor['data']);
  if (data.length < count)
    throw new UsageError(`${where} holds ${data.length} values, its shape needs ${count}`);
  return { [name]: { dims: array.shape, data: data.slice(0, count), type } };
}
