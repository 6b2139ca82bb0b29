import type * as ort from 'onnxruntime-web';
import { OnnxFormatError } from './errors.js';

/** Kept in a variable so bundlers do not try to resolve the Node-only package for the browser. */
const NATIVE = 'onnxruntime-node';

let loaded: Promise<typeof ort | undefined> | undefined;

/** onnxruntime-node when this is Node and the package is installed (an optional peer), else undefined. */
export function loadNativeRuntime(): Promise<typeof ort | undefined> {
  loaded ??= (async () => {
    if (typeof process === 'undefined' || process.versions?.node === undefined) return undefined;
    try {
      const mod = (await import(/* @vite-ignore */ NATIVE)) as typeof ort & {
        default?: typeof ort;
      };
      return mod.InferenceSession === undefined ? mod.default : mod;
    } catch {
      return undefined;
    }
  })();
  return loaded;
}

/** onnxruntime-node; throws {@link OnnxFormatError} saying how to get it when it cannot be loaded. */
export async function nativeRuntime(): Promise<typeof ort> {
  const runtime = await loadNativeRuntime();
  if (runtime === undefined)
    throw new OnnxFormatError(
      'runModel: onnxruntime-node is not available (it runs in Node only: npm install onnxruntime-node)',
    );
  return runtime;
}
