import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { convertModel } from './convert.js';
import { blockChain } from './test-helpers/block-chain.js';

const BLOCKS = 24;

describe('a long collapse stage can be interrupted', () => {
  it('an AbortSignal aborted on a later turn of the event loop stops it before the next attempt', async () => {
    const controller = new AbortController();
    let steps = 0;
    const err = await convertModel(blockChain(BLOCKS), {
      verify: false,
      signal: controller.signal,
      onProgress: (stage) => {
        if (stage !== 'collapse') return;
        steps++;
        // runs only if the pass lets the event loop turn between its synchronous merges
        if (steps === 1) setImmediate(() => controller.abort());
      },
    }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    expect(steps).toBe(1);
  });

  it('SIGINT during the collapse stage is handled before the next merge, not after the last', () => {
    const child = fileURLToPath(new URL('./test-helpers/interrupt-child.ts', import.meta.url));
    const r = spawnSync(
      process.execPath,
      ['--conditions=@reparam/source', '--import', 'tsx', child, `${BLOCKS}`],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(130);
    // the handler ran while the first block was being collapsed (a synchronous stage: all 24)
    expect(JSON.parse(r.stdout)).toEqual({ steps: 1 });
  });
});
