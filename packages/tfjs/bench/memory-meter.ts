import * as tf from '@tensorflow/tfjs';

/**
 * Live bytes of the active backend's buffers and their peak, counted once per buffer (tfjs's own
 * `numBytes` counts every tensor, so clones that share a buffer count twice). Wraps the backend's
 * `write` (every new buffer) and `disposeData` (freed when it returns true). Bench-only.
 */
export class MemoryMeter {
  private readonly sizes = new Map<object, number>();
  live = 0;
  peak = 0;

  constructor(backend: tf.KernelBackend = tf.backend()) {
    const write = backend.write.bind(backend);
    const dispose = backend.disposeData.bind(backend);
    backend.write = (values, shape, dtype) => {
      const id = write(values, shape, dtype);
      const bytes =
        shape.reduce((a, b) => a * b, 1) * (dtype === 'float32' || dtype === 'int32' ? 4 : 1);
      this.sizes.set(id, bytes);
      this.live += bytes;
      this.peak = Math.max(this.peak, this.live);
      return id;
    };
    backend.disposeData = (id, force) => {
      const freed = dispose(id, force);
      const bytes = this.sizes.get(id);
      if (freed && bytes !== undefined) {
        this.live -= bytes;
        this.sizes.delete(id);
      }
      return freed;
    };
  }

  /** Peak live bytes while `f` runs, above what was live when it started. */
  async peakDuring(f: () => Promise<unknown>): Promise<number> {
    const start = this.live;
    this.peak = start;
    await f();
    return this.peak - start;
  }
}
