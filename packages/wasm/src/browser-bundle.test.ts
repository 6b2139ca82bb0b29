import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// What a browser app's bundler sees: the default entry point with the browser conditions.
describe('the default entry point in a browser bundle', () => {
  it('bundles with no error and reaches no node: module (file reads and worker threads stay on the Node side)', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'browser',
      format: 'esm',
      conditions: ['@reparam/source'],
      external: ['@reparam/core', '@tensorflow/*'],
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((f) => f.startsWith('node:') || f.endsWith('/node-io.ts'))).toEqual([]);
    expect(inputs.some((f) => f.endsWith('_internal/node-io.browser.ts'))).toBe(true);
  });
});
