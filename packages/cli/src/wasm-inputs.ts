import {
  inputDims,
  randomFeeds,
  UsageError,
  type DenseTensor,
  type ModelProto,
} from '@reparam/onnx';
import type { GraphTensor } from '@reparam/wasm';
import { readNpyInput } from './npy-input.js';

/** The graph inputs of `model` that have no initializer. */
const inputNames = (model: ModelProto): string[] => {
  const inits = new Set(model.graph!.initializer.map((t) => t.name));
  return model.graph!.input.map((v) => v.name ?? '').filter((name) => !inits.has(name));
};

/**
 * Reads `--input` values: `NAME=file.npy`, or a bare `file.npy` when the model has one input.
 * Throws {@link UsageError} for a bare path given to a model with several inputs.
 */
export function readModelInputs(
  model: ModelProto,
  specs: readonly string[],
): Record<string, DenseTensor> {
  const names = inputNames(model);
  return Object.assign(
    {},
    ...specs.map((spec) => {
      if (spec.includes('=')) return readNpyInput(spec);
      if (names.length !== 1)
        throw new UsageError(
          `--input '${spec}': the model has ${names.length} inputs (${names.map((n) => `'${n}'`).join(', ')}); name each as NAME=file.npy`,
        );
      return readNpyInput(`${names[0]}=${spec}`);
    }),
  ) as Record<string, DenseTensor>;
}

/**
 * Float32 NCHW tensors for every model input: the given ones (checked against the declared
 * type and dims), and, when `seed` is set, seeded random values for the rest; without a seed a
 * missing input is a {@link UsageError}.
 */
export function wasmInputs(
  model: ModelProto,
  given: Readonly<Record<string, DenseTensor>>,
  shapes: Readonly<Record<string, readonly number[]>>,
  seed?: number,
): Record<string, GraphTensor> {
  const dims = inputDims(model, shapes, given);
  const missing = [...dims.keys()].filter((name) => given[name] === undefined);
  if (seed === undefined && missing.length > 0)
    throw new UsageError(
      `the model's input${missing.length > 1 ? 's' : ''} ${missing.map((n) => `'${n}'`).join(', ')} ${missing.length > 1 ? 'have' : 'has'} no value; pass --input NAME=file.npy`,
    );
  const random = randomFeeds(new Map(missing.map((name) => [name, dims.get(name)!])), seed ?? 1);
  const all = { ...random, ...given };
  return Object.fromEntries(
    [...dims].map(([name, d]) => {
      const data = all[name].data;
      const floats =
        data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>, Number);
      return [name, { data: floats, shape: d }];
    }),
  );
}
