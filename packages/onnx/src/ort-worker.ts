import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { OnnxFormatError, UsageError } from './errors.js';
import {
  sessionOptions,
  type DenseTensor,
  type Engine,
  type ModelSession,
  type RunOptions,
} from './ort-run.js';

/** The worker: onnxruntime sessions by id, driven by open / run / release messages. */
const SOURCE = `
import { parentPort, workerData } from 'node:worker_threads';
const mod = await import(workerData.ort);
const ort = mod.InferenceSession ? mod : mod.default;
ort.env.wasm.numThreads = workerData.threads;
ort.env.logLevel = 'fatal';
const sessions = new Map();
parentPort.on('message', async (m) => {
  try {
    if (m.type === 'open') {
      const session = await ort.InferenceSession.create(m.bytes, m.options);
      sessions.set(m.session, session);
      parentPort.postMessage({ id: m.id, ok: true, inputNames: session.inputNames, outputNames: session.outputNames, threads: ort.env.wasm.numThreads });
    } else if (m.type === 'run') {
      const session = sessions.get(m.session);
      const feeds = {};
      for (const [k, t] of Object.entries(m.feeds)) feeds[k] = new ort.Tensor(t.type, t.data, t.dims);
      const names = m.names ?? session.outputNames;
      const r = await session.run(feeds, names, { logSeverityLevel: 4 });
      const out = names.map((n) => [n, { dims: Array.from(r[n].dims), data: r[n].data, type: r[n].type }]);
      // the outputs are copies out of the WebAssembly heap: handed over, not copied again
      const own = new Set(out.map(([, t]) => t.data.buffer).filter((b) => b instanceof ArrayBuffer));
      try {
        parentPort.postMessage({ id: m.id, ok: true, out }, [...own]);
      } catch {
        parentPort.postMessage({ id: m.id, ok: true, out });
      }
    } else {
      await sessions.get(m.session)?.release();
      sessions.delete(m.session);
      parentPort.postMessage({ id: m.id, ok: true });
    }
  } catch (e) {
    parentPort.postMessage({ id: m.id, ok: false, message: String(e && e.message ? e.message : e).split('\\n')[0] });
  }
});
`;

interface Reply {
  id: number;
  ok: boolean;
  message?: string;
  inputNames?: string[];
  outputNames?: string[];
  threads?: number;
  out?: [string, DenseTensor][];
}

/** One worker hosting any number of sessions of one engine; replaced after a timeout or a crash. */
interface Host {
  worker: Worker;
  engine: Engine;
  threads: number;
  dead?: Error;
  next: number;
  /** Sessions open on it: it is stopped shortly after the last one is released. */
  open: number;
  idle?: ReturnType<typeof setTimeout>;
  pending: Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>;
}

/**
 * The live worker of each engine and thread count: a fallback from onnxruntime-web to
 * onnxruntime-node (and back, for the next model) starts no worker again and stops no session
 * of the other engine.
 */
const hosts = new Map<string, Host>();
let sessionIds = 0;

const hostKey = (engine: Engine, threads: number) => `${engine}/${threads}`;

/** A worker keeps the process alive (even unref'd, while it has listeners): stop it when idle. */
function sessionClosed(h: Host): void {
  h.open--;
  if (h.open > 0) return;
  clearTimeout(h.idle);
  h.idle = setTimeout(() => {
    if (h.open > 0) return;
    if (hosts.get(hostKey(h.engine, h.threads)) === h) hosts.delete(hostKey(h.engine, h.threads));
    void h.worker.terminate();
  }, 100);
}

function getHost(engine: Engine, threads: number): Host {
  const key = hostKey(engine, threads);
  const live = hosts.get(key);
  if (live !== undefined && live.dead === undefined) return live;
  let ortPath: string;
  try {
    ortPath = createRequire(import.meta.url).resolve(engine);
  } catch (e) {
    throw new UsageError(
      `openSession: running a model needs ${engine}, which is not installed (${(e as Error).message.split('\n')[0]}); install it next to @reparam/onnx: npm install ${engine}`,
      { cause: e },
    );
  }
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(SOURCE)}`), {
    workerData: { ort: pathToFileURL(ortPath).href, threads },
  });
  worker.unref();
  const h: Host = { worker, engine, threads, next: 0, open: 0, pending: new Map() };
  const fail = (e: Error) => {
    h.dead ??= e;
    for (const p of h.pending.values()) p.reject(e);
    h.pending.clear();
  };
  worker.on('message', (r: Reply) => {
    h.pending.get(r.id)?.resolve(r);
    h.pending.delete(r.id);
  });
  worker.on('error', (e) =>
    fail(new OnnxFormatError(`runModel: onnxruntime worker failed (${e.message})`, { cause: e })),
  );
  worker.on('exit', () => fail(new OnnxFormatError('runModel: onnxruntime worker exited')));
  hosts.set(key, h);
  return h;
}

function call(
  h: Host,
  message: Record<string, unknown>,
  what: string,
  timeoutMs: number,
  transfer: readonly ArrayBuffer[] = [],
): Promise<Reply> {
  if (h.dead !== undefined) return Promise.reject(h.dead);
  const id = h.next++;
  return new Promise<Reply>((resolve, reject) => {
    const timer = setTimeout(() => {
      const e = new OnnxFormatError(
        `runModel: ${h.engine} did not ${what} within ${timeoutMs / 1000} s; the model was stopped`,
      );
      h.dead ??= e;
      for (const p of h.pending.values()) p.reject(e);
      h.pending.clear();
      void h.worker.terminate();
    }, timeoutMs);
    h.pending.set(id, {
      resolve: (r) => {
        clearTimeout(timer);
        if (r.ok) resolve(r);
        else
          reject(
            new OnnxFormatError(
              `runModel: ${h.engine} cannot ${what} the model (${r.message ?? ''})`,
            ),
          );
      },
      reject: (e) => {
        clearTimeout(timer);
        reject(e);
      },
    });
    h.worker.postMessage({ ...message, id }, [...transfer]);
  });
}

/**
 * {@link openSession} in a worker thread (Node only; one shared worker per engine hosts the sessions): a
 * load or run that takes longer than `timeoutMs` terminates the worker and throws
 * {@link OnnxFormatError}, so a pathological model cannot hang the caller.
 */
export async function openWorkerSession(
  bytes: Uint8Array,
  options: RunOptions & { engine?: Engine; timeoutMs: number },
  handOver = false,
): Promise<ModelSession> {
  const engine = options.engine ?? 'onnxruntime-web';
  const h = getHost(engine, options.threads ?? 1);
  clearTimeout(h.idle);
  const session = sessionIds++;
  const { timeoutMs } = options;
  h.open++;
  let opened: Reply;
  try {
    opened = await call(
      h,
      { type: 'open', session, bytes, options: sessionOptions(engine, options) },
      'load',
      timeoutMs,
      handOver && wholeBuffer(bytes) ? [bytes.buffer as ArrayBuffer] : [],
    );
  } catch (e) {
    sessionClosed(h);
    throw e;
  }
  return {
    inputNames: opened.inputNames ?? [],
    outputNames: opened.outputNames ?? [],
    threads: opened.threads ?? 1,
    async run(feeds, outputNames) {
      const r = await call(
        h,
        { type: 'run', session, feeds, names: outputNames },
        'run',
        timeoutMs,
      );
      return new Map(r.out);
    },
    async release() {
      if (h.dead === undefined)
        await call(h, { type: 'release', session }, 'release', timeoutMs).catch(() => undefined);
      sessionClosed(h);
    },
  };
}

/** True when `bytes` is all of a (non-shared) ArrayBuffer: it can be handed to a worker whole. */
function wholeBuffer(bytes: Uint8Array): boolean {
  return (
    bytes.buffer instanceof ArrayBuffer &&
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength
  );
}
