/**
 * The one protocol between pages and workers: requests with an id answered once (result or
 * error), progress and events pushed by the worker at any time. Cancel = terminate the worker
 * (nothing a worker does needs cleaning up outside it) and start a fresh one on the next call.
 */

/** A message from a worker. */
export type FromWorker =
  | { readonly kind: 'result'; readonly id: number; readonly result: unknown }
  | { readonly kind: 'error'; readonly id: number; readonly error: WorkerError }
  | {
      readonly kind: 'progress';
      readonly id: number;
      readonly stage: string;
      readonly fraction: number;
    }
  | { readonly kind: 'event'; readonly name: string; readonly data: unknown };

/** A message to a worker. */
export interface ToWorker {
  readonly id: number;
  readonly method: string;
  readonly params: unknown;
}

/** An error that crossed from a worker: its class name and message. */
export interface WorkerError {
  readonly name: string;
  readonly message: string;
}

/** Thrown on the page when a worker's request failed. */
export class WorkerFailure extends Error {
  constructor(
    readonly errorName: string,
    message: string,
  ) {
    super(message);
    this.name = errorName;
  }
}

/** Thrown when a request was cancelled. */
export class Cancelled extends Error {
  override readonly name = 'Cancelled';
}

type Pending = {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  progress?: (stage: string, fraction: number) => void;
};

/** The page's side of a worker. */
export class WorkerClient {
  private worker: Worker | undefined;
  private next = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, (data: unknown) => void>();

  constructor(private readonly create: () => Worker) {}

  /** Sends a request; resolves with the worker's result. */
  call<T>(
    method: string,
    params: unknown,
    options: {
      transfer?: Transferable[];
      progress?: (stage: string, fraction: number) => void;
    } = {},
  ): Promise<T> {
    const worker = this.ensure();
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, {
        resolve: resolve as (v: unknown) => void,
        reject,
        progress: options.progress,
      });
      const message: ToWorker = { id, method, params };
      worker.postMessage(message, options.transfer ?? []);
    });
  }

  /** Listens to a pushed event. */
  on(name: string, listener: (data: unknown) => void): void {
    this.listeners.set(name, listener);
  }

  /** Stops the worker; pending requests reject with {@link Cancelled}. */
  cancel(): void {
    this.worker?.terminate();
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(new Cancelled('cancelled'));
    this.pending.clear();
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = this.create();
    worker.onmessage = (e: MessageEvent<FromWorker>) => this.receive(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      const error = new WorkerFailure(
        'WorkerCrash',
        `the worker stopped: ${e.message || 'out of memory, or a script error'}`,
      );
      this.worker = undefined;
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    };
    this.worker = worker;
    return worker;
  }

  private receive(m: FromWorker): void {
    if (m.kind === 'event') {
      this.listeners.get(m.name)?.(m.data);
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.kind === 'progress') p.progress?.(m.stage, m.fraction);
    else {
      this.pending.delete(m.id);
      if (m.kind === 'result') p.resolve(m.result);
      else p.reject(new WorkerFailure(m.error.name, m.error.message));
    }
  }
}
