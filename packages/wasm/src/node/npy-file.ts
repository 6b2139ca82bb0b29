import { readFileSync, writeFileSync } from 'node:fs';
import { ShapeError } from '@reparam/core';
import { decodeNpy, encodeNpy } from '../npy.js';
import type { GraphTensor } from '../graph/wasm-graph.js';

/** Reads a NumPy `.npy` file as float32 (see {@link decodeNpy}); the message names the file. */
export function readNpy(path: string): GraphTensor {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new Error(`readNpy: cannot read '${path}' (${(cause as Error).message})`, { cause });
  }
  try {
    return decodeNpy(bytes);
  } catch (cause) {
    throw new ShapeError(`readNpy: '${path}': ${(cause as Error).message}`, { cause });
  }
}

/** Writes `tensor` as a float32 `.npy` file. */
export function writeNpy(path: string, tensor: GraphTensor): void {
  writeFileSync(path, encodeNpy(tensor));
}
