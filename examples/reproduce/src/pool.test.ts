import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { runPool, type Planned } from './pool.js';
import type { RunSpec } from './run.js';
import type { RunKey } from './store.js';

const fake = fileURLToPath(new URL('../test/fake-worker.mjs', import.meta.url));

function planned(method: string, seed: number, after?: RunKey): Planned {
  const key = { arch: 'a', method, seed };
  return { key, spec: { arch: 'a', method, seed } as unknown as RunSpec, steps: 2, after };
}

describe('runPool', () => {
  it('runs every planned run on the workers, a dependent run only after its dependency', async () => {
    const finished = new Set<string>();
    const log: string[] = [];
    const id = (k: RunKey): string => `${k.method}/${k.seed}`;
    const plan = [
      planned('base', 5),
      planned('dependent', 1, { arch: 'a', method: 'base', seed: 5 }),
      planned('other', 1),
      planned('other', 2),
    ];
    const { done } = runPool(
      plan,
      2,
      (k) => finished.has(id(k)),
      {
        onStart: (_w, r) => log.push(`start ${id(r.key)}`),
        onStep: () => undefined,
        onDone: (_w, r) => {
          finished.add(id(r.key));
          log.push(`done ${id(r.key)}`);
        },
        onFailed: (_w, r, m) => log.push(`failed ${id(r.key)} ${m}`),
        onInterrupted: (_w, r) => log.push(`interrupted ${id(r.key)}`),
      },
      fake,
    );
    await done;
    expect(finished.size).toBe(4);
    expect(log.indexOf('start dependent/1')).toBeGreaterThan(log.indexOf('done base/5'));
    // The free worker went on with later runs while the dependent one waited.
    expect(log.indexOf('start other/1')).toBeLessThan(log.indexOf('done base/5'));
  });

  it('reports failed and crashed runs and goes on with the rest', async () => {
    const failed: string[] = [];
    const done: string[] = [];
    const pool = runPool(
      [planned('fail', 1), planned('crash', 1), planned('ok', 1), planned('ok', 2)],
      2,
      () => false,
      {
        onStart: () => undefined,
        onStep: () => undefined,
        onDone: (_w, r) => done.push(`${r.key.method}/${r.key.seed}`),
        onFailed: (_w, r, m) => failed.push(`${r.key.method}: ${m}`),
        onInterrupted: (_w, r) => failed.push(`interrupted ${r.key.method}`),
      },
      fake,
    );
    await pool.done;
    expect(done.sort()).toEqual(['ok/1', 'ok/2']);
    expect(failed).toHaveLength(2);
    expect(failed.find((f) => f.startsWith('fail'))).toMatch(/asked to fail/);
    expect(failed.find((f) => f.startsWith('crash'))).toMatch(/worker exited \(code 3\)/);
  });

  it('reports runs cut short by stop() as interrupted, not failed, and starts no more', async () => {
    const log: string[] = [];
    const pool = runPool(
      [planned('hang', 1), planned('hang', 2), planned('ok', 1)],
      2,
      () => false,
      {
        onStart: () => undefined,
        onStep: () => {
          if (log.push('step') === 2) pool.stop();
        },
        onDone: (_w, r) => log.push(`done ${r.key.method}`),
        onFailed: (_w, r, m) => log.push(`failed ${r.key.method}: ${m}`),
        onInterrupted: (_w, r) => log.push(`interrupted ${r.key.method}/${r.key.seed}`),
      },
      fake,
    );
    await pool.done;
    expect(log.filter((l) => l !== 'step').sort()).toEqual([
      'interrupted hang/1',
      'interrupted hang/2',
    ]);
  });
});
