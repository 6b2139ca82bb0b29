import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomically } from './atomic-file.js';

/**
 * Saves all weights of a model (trainable and frozen, in `model.weights` order) as one file: a
 * 4-byte header length, a JSON header of shapes, then float32 values.
 */
export function saveWeights(model: tf.LayersModel, path: string): void {
  const weights = model.getWeights();
  const header = Buffer.from(JSON.stringify(weights.map((w) => w.shape)));
  const values = weights.map((w) => Buffer.from((w.dataSync() as Float32Array).slice().buffer));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  writeFileAtomically(path, Buffer.concat([length, header, ...values]));
}

/**
 * Loads weights saved by {@link saveWeights} into a model of the same architecture; returns false
 * if there is no file, throws if the shapes differ.
 */
export function loadWeights(model: tf.LayersModel, path: string): boolean {
  if (!existsSync(path)) return false;
  const bytes = readFileSync(path);
  const headerLength = bytes.readUInt32LE(0);
  const shapes = JSON.parse(bytes.subarray(4, 4 + headerLength).toString()) as number[][];
  const want = model.weights.map((w) => w.shape.join('x')).join(' ');
  if (shapes.map((s) => s.join('x')).join(' ') !== want)
    throw new Error(`loadWeights: ${path} holds shapes that do not fit '${model.name}'`);
  let offset = 4 + headerLength;
  const tensors = shapes.map((shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + 4 * n),
    );
    offset += 4 * n;
    return tf.tensor(data, shape);
  });
  model.setWeights(tensors);
  tf.dispose(tensors);
  return true;
}
