/**
 * A worker process: runs the runs its parent sends, one at a time, and reports progress and
 * results over IPC. tfjs-wasm runs one thread in Node, so the parent uses one worker per core.
 */
import { useWasmBackend } from './backend.js';
import { loadFashionMnist, subset, type Split } from './data.js';
import type { FromWorker, ToWorker } from './messages.js';
import { runOne } from './run.js';
import type { Protocol } from './protocol.js';

const send = (m: FromWorker): void => {
  process.send?.(m);
};

await useWasmBackend();
const cache = new Map<string, { train: Split; test: Split }>();
function dataFor(p: Protocol, cacheDir: string): { train: Split; test: Split } {
  const key = `${p.trainPerClass}/${p.testPerClass}`;
  let d = cache.get(key);
  if (d === undefined) {
    const full = loadFashionMnist(cacheDir);
    d = { train: subset(full.train, p.trainPerClass), test: subset(full.test, p.testPerClass) };
    cache.set(key, d);
  }
  return d;
}

process.on('message', (m: ToWorker) => {
  void (async () => {
    try {
      const data = dataFor(m.spec.protocol, m.spec.cacheDir);
      let last = 0;
      const result = await runOne(m.spec, data, (stage) => (step, steps, loss) => {
        const now = performance.now();
        if (now - last > 1000 || step === steps) {
          last = now;
          send({ type: 'step', stage, step, steps, loss });
        }
      });
      send({ type: 'done', result });
    } catch (e) {
      const err = e as Error;
      send({ type: 'failed', message: `${err.name}: ${err.message}` });
    }
  })();
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
