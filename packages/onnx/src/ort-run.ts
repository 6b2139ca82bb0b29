import type * as Ort from 'onnxruntime-web';
import { OnnxFormatError, UsageError } from './errors.js';

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

/** The onnxruntime build that runs a model: WebAssembly (everywhere) or native (Node, when installed). */
export type Engine = 'onnxruntime-web' | 'onnxruntime-node';

/** Options of {@link runModel}. */
export interface RunOptions {
  /**
   * The runtime (default `onnxruntime-web`). `onnxruntime-node`, an optional peer dependency,
   * runs in Node only; `convertModel` falls back to it when onnxruntime-web cannot run a model.
   */
  engine?: Engine;
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
  /**
   * WebAssembly threads onnxruntime-web actually runs with: 1 where threads are unavailable (a
   * page that is not cross-origin isolated), and the first session's count for every later one
   * (onnxruntime-web sets its thread pool up once per process).
   */
  readonly threads: number;
  run(
    feeds: Readonly<Record<string, DenseTensor>>,
    outputNames?: readonly string[],
  ): Promise<Map<string, DenseTensor>>;
  release(): Promise<void>;
}

let onnxRuntime: Promise<typeof Ort> | undefined;
/** Threads of onnxruntime-web's pool, read back once it is set up (it falls back to 1 itself). */
let ortThreads: number | undefined;

/**
 * The app's onnxruntime-web (an optional peer dependency), imported on first use only: parsing,
 * writing and building models never load it. Throws {@link UsageError} when it is not installed.
 */
export function loadOnnxRuntime(caller: string): Promise<typeof Ort> {
  onnxRuntime ??= import('onnxruntime-web').then(
    // A CommonJS build seen through a bundler's interop has its API under `default`.
    (m: typeof Ort) =>
      m.InferenceSession === undefined ? (m as unknown as { default: typeof Ort }).default : m,
    (e: unknown) => {
      onnxRuntime = undefined;
      throw new UsageError(
        `${caller}: running a model (probe, verification, benchmark) needs onnxruntime-web, which could not be loaded (${oneLine(e)}); install it next to @reparam/onnx: npm install onnxruntime-web`,
        { cause: e },
      );
    },
  );
  return onnxRuntime;
}

/**
 * Opens a serialized model in onnxruntime-web (wasm backend) or, with `engine:
 * 'onnxruntime-node'`, in native onnxruntime. Load failures throw {@link OnnxFormatError} with
 * onnxruntime's message; so do run failures. `handOver`: the caller never reads `bytes` again,
 * so a worker (`timeoutMs`) may take their buffer instead of a copy (it is detached).
 */
export async function openSession(
  bytes: Uint8Array,
  options: RunOptions = {},
  handOver = false,
): Promise<ModelSession> {
  const engine = options.engine ?? 'onnxruntime-web';
  if (options.timeoutMs !== undefined) {
    const { openWorkerSession } = await import('#node-io');
    return openWorkerSession(bytes, { ...options, engine, timeoutMs: options.timeoutMs }, handOver);
  }
  let ort: typeof Ort;
  if (engine === 'onnxruntime-node') {
    const { nativeRuntime } = await import('./ort-node.js');
    ort = await nativeRuntime();
  } else {
    ort = await loadOnnxRuntime('openSession');
    ort.env.wasm.numThreads = options.threads ?? 1;
    ort.env.logLevel = 'fatal';
  }
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(exclusive(bytes), sessionOptions(engine, options));
  } catch (e) {
    throw new OnnxFormatError(`runModel: ${engine} cannot load the model (${oneLine(e)})`, {
      cause: e,
    });
  }
  const threads =
    engine === 'onnxruntime-web'
      ? (ortThreads ??= ort.env.wasm.numThreads ?? 1)
      : (options.threads ?? 1);
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    threads,
    async run(feeds, outputNames) {
      const input: Record<string, Ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds))
        input[name] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, [...t.dims]);
      const names = outputNames ?? session.outputNames;
      let result: Ort.InferenceSession.ReturnType;
      try {
        result = await session.run(input, [...names], { logSeverityLevel: 4 });
      } catch (e) {
        throw new OnnxFormatError(`runModel: ${engine} cannot run the model (${oneLine(e)})`, {
          cause: e,
        });
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
 * Session options of an engine: the wasm backend, or native onnxruntime's CPU provider with
 * `threads` intra-op threads that sleep instead of spinning (the machines are shared).
 */
export function sessionOptions(
  engine: Engine,
  options: RunOptions,
): Ort.InferenceSession.SessionOptions {
  const common = {
    graphOptimizationLevel: options.optimization ?? 'basic',
    logSeverityLevel: 4 as const, // fatal only: errors reach the caller as exceptions, stderr stays clean
  };
  if (engine === 'onnxruntime-web') return { ...common, executionProviders: ['wasm'] };
  return {
    ...common,
    executionProviders: ['cpu'],
    intraOpNumThreads: options.threads ?? 1,
    interOpNumThreads: 1,
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
}

/**
 * Runs a serialized model once with onnxruntime (onnxruntime-web unless `options.engine` says
 * otherwise) and returns the requested outputs (all graph outputs by default). Failures throw
 * {@link OnnxFormatError} naming onnxruntime's message.
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
