/** The worker's side of {@link WorkerClient} (lib/rpc.ts). */
import type { FromWorker, ToWorker } from './rpc.js';

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<ToWorker>) => void): void;
}
const scope = globalThis as unknown as WorkerScope;

/** What a method gets besides its parameters. */
export interface Call {
  progress(stage: string, fraction: number): void;
}

/** A method's result and the buffers to transfer with it. */
export interface Reply {
  readonly result: unknown;
  readonly transfer?: Transferable[];
}

/** Pushes an event to the page. */
export function emit(name: string, data: unknown, transfer: Transferable[] = []): void {
  scope.postMessage({ kind: 'event', name, data }, transfer);
}

/** Serves `methods`; thrown errors reach the page with their class name and message. */
export function serve(
  methods: Record<string, (params: never, call: Call) => Promise<Reply>>,
): void {
  scope.addEventListener('message', (e) => {
    const { id, method, params } = e.data;
    const call: Call = {
      progress: (stage, fraction) => scope.postMessage({ kind: 'progress', id, stage, fraction }),
    };
    const run = methods[method];
    void (async () => {
      try {
        if (!run) throw new Error(`worker: no method '${method}'`);
        const reply = await run(params as never, call);
        scope.postMessage({ kind: 'result', id, result: reply.result }, reply.transfer ?? []);
      } catch (err) {
        const error =
          err instanceof Error
            ? { name: err.name, message: err.message }
            : { name: 'Error', message: String(err) };
        scope.postMessage({ kind: 'error', id, error });
      }
    })();
  });
}
