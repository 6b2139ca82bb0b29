import { readModel, type ModelProto } from '@reparam/onnx';

/** A model read from disk, with every file it read (itself, external data) and their bytes. */
export interface InputModel {
  readonly path: string;
  readonly model: ModelProto;
  /** Absolute paths of the model file and its external data files, each once. */
  readonly files: readonly string[];
  readonly bytes: number;
  /** The model file's bytes when they hold all its tensor data (no external data). */
  readonly encoded?: Uint8Array;
}

/** Reads a model and records the files it reads (to protect them, and to report sizes). */
export function readInput(path: string, maxMemory?: number): InputModel {
  const files = new Set<string>();
  let bytes = 0;
  let encoded: Uint8Array | undefined;
  const model = readModel(path, {
    maxMemory,
    onFile: (file, n) => {
      files.add(file);
      bytes += n;
    },
    onBytes: (b) => (encoded = b),
  });
  return { path, model, files: [...files], bytes, ...(files.size === 1 ? { encoded } : {}) };
}
