/** Test-only helpers: switch between the tfjs cpu and wasm backends in Node. */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { registerWasmTrainingKernels } from '../wasm/register.js';

let wasmReady = false;

/** Points tfjs-backend-wasm at its .wasm files in node_modules and registers our gradient kernels. */
export function prepareWasm(): void {
  if (wasmReady) return;
  const require = createRequire(import.meta.url);
  setWasmPaths(
    dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/',
  );
  registerWasmTrainingKernels();
  wasmReady = true;
}

/** Makes `name` the active backend. */
export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  if (name === 'wasm') prepareWasm();
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name)
    throw new Error(`useBackend: could not activate tfjs backend ${name}`);
}

/** Runs `f` on backend `name` and returns its result's values. */
export async function onBackend(
  name: 'cpu' | 'wasm',
  f: () => tf.Tensor | tf.Tensor[],
): Promise<Float32Array[]> {
  await useBackend(name);
  const out = tf.tidy(f);
  const list = Array.isArray(out) ? out : [out];
  const data = list.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose(list);
  return data;
}

/** A deterministic pseudo-random float32 array in [-1, 1). */
export function randomFloats(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

/** max |a - b| / max(max |b|, 1e-12). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let m = 0;
  if (a.length !== b.length) return Infinity;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / Math.max(m, 1e-12);
}

/** max |a - b| / max(1, max |b|): for values that may cancel to near zero. */
export function scaledErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let m = 1;
  if (a.length !== b.length) return Infinity;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / m;
}

/**
 * Runs `f` with this package's fused kernels unregistered on `backend` (the path of backends
 * without them, such as webgl), then registers them again.
 */
export async function withoutFusedKernels(
  backend: 'cpu' | 'wasm',
  names: readonly string[],
  f: () => void | Promise<void>,
): Promise<void> {
  const configs = names.map((n) => tf.getKernel(n, backend));
  names.forEach((n) => tf.unregisterKernel(n, backend));
  try {
    await f();
  } finally {
    for (const c of configs) if (c !== undefined) tf.registerKernel(c);
  }
}
