import * as ort from 'onnxruntime-web';
import { OnnxFormatError } from './errors.js';

/** A dense tensor exchanged with onnxruntime: dims and values (float32, int64 or others). */
export interface DenseTensor {
  readonly dims: readonly number[];
  readonly data:
    | Float32Array
    | Float64Array
    | BigInt64Array
    | Int32Array
    | Uint8Array
    | Int8Array
    | Uint32Array
    | BigUint64Array
    | Uint16Array
    | Int16Array;
  /** onnxruntime's type name ('float32', 'int64', ...). */
  readonly type: string;
}

/** Options of {@link runModel}. */
export interface RunOptions {
  /** WebAssembly threads for onnxruntime-web (default 1; the machines are shared). */
  threads?: number;
  /** onnxruntime graph optimizations (default 'basic'; 'all' for deployment-like timing). */
  optimization?: 'disabled' | 'basic' | 'extended' | 'all';
  /**
   * Node only: run onnxruntime in a worker thread and stop any load or run that takes longer
   * than this many milliseconds (throws {@link OnnxFormatError}). Default: in-process, no limit.
   */
  timeoutMs?: number;
}

/** An open onnxruntime-web session: run it many times, then release it. */
export interface ModelSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(
    feeds: Readonly<Record<string, DenseTensor>>,
    outputNames?: readonly string[],
  ): Promise<Map<string, DenseTensor>>;
  release(): Promise<void>;
}

/**
 * Opens a serialized model in onnxruntime-web (wasm backend). Load failures throw
 * {@link OnnxFormatError} with onnxruntime's message; so do run failures.
 */
export async function openSession(
  bytes: Uint8Array,
  options: RunOptions = {},
): Promise<ModelSession> {
  if (options.timeoutMs !== undefined) {
    const { openWorkerSession } = await import('./ort-worker.js');
    return openWorkerSession(bytes, { ...options, timeoutMs: options.timeoutMs });
  }
  ort.env.wasm.numThreads = options.threads ?? 1;
  ort.env.logLevel = 'fatal';
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(exclusive(bytes), {
      executionProviders: ['wasm'],
      graphOptimizationLevel: options.optimization ?? 'basic',
      logSeverityLevel: 4, // fatal only: errors reach the caller as exceptions, stderr stays clean
    });
  } catch (e) {
    throw new OnnxFormatError(`runModel: onnxruntime-web cannot load the model (${oneLine(e)})`, {
      cause: e,
    });
  }
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds, outputNames) {
      const input: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds))
        input[name] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, [...t.dims]);
      const names = outputNames ?? session.outputNames;
      let result: ort.InferenceSession.ReturnType;
      try {
        result = await session.run(input, [...names], { logSeverityLevel: 4 });
      } catch (e) {
        throw new OnnxFormatError(
          `runModel: onnxruntime-web cannot run the model (${oneLine(e)})`,
          { cause: e },
        );
      }
      const out = new Map<string, DenseTensor>();
      for (const name of names) {
        const t = result[name];
        out.set(name, { dims: [...t.dims], data: t.data as DenseTensor['data'], type: t.type });
      }
      return out;
    },
    release: () => session.release(),
  };
}

/**
 * Runs a serialized model once with onnxruntime-web and returns the requested outputs (all
 * graph outputs by default). Failures throw {@link OnnxFormatError} naming onnxruntime's message.
 */
export async function runModel(
  bytes: Uint8Array,
  feeds: Readonly<Record<string, DenseTensor>>,
  outputNames?: readonly string[],
  options: RunOptions = {},
): Promise<Map<string, DenseTensor>> {
  const session = await openSession(bytes, options);
  try {
    return await session.run(feeds, outputNames);
  } finally {
    await session.release();
  }
}

/** The first line of an error's message. */
export function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0].slice(0, 300);
}

/** A copy when `bytes` is a view into a larger buffer (Node's pooled Buffers): onnxruntime-web reads the whole ArrayBuffer. */
function exclusive(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? bytes
    : new Uint8Array(bytes);
}
