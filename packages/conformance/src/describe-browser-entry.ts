import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/** The entry point a package's browser users import, and what a bundle may leave out. */
export interface BrowserEntry {
  /** The entry's source file, e.g. `new URL('./index.ts', import.meta.url)`. */
  entry: URL;
  /** Dependencies not to bundle (checked by their own packages, or too large to bundle here). */
  external: readonly string[];
  /** File-name endings of the module that replaces the Node side in browsers (`#node-io`). */
  browserSide: string;
}

/**
 * Registers a test that bundles `entry` the way a browser app's bundler does (esbuild,
 * `platform: 'browser'`, the workspace's source condition): no error, no `node:` module and no
 * `node-io.ts` among the inputs, and the browser side of `#node-io` in its place.
 */
export function describeBrowserEntry({ entry, external, browserSide }: BrowserEntry): void {
  describe('the default entry point in a browser bundle', () => {
    it('bundles with no error and reaches no node: module (Node I/O stays on the Node side)', async () => {
      const result = await build({
        entryPoints: [fileURLToPath(entry)],
        bundle: true,
        write: false,
        metafile: true,
        platform: 'browser',
        format: 'esm',
        conditions: ['@reparam/source'],
        external: [...external],
        logLevel: 'silent',
      });
      expect(result.errors).toEqual([]);
      const inputs = Object.keys(result.metafile.inputs);
      expect(inputs.filter((f) => f.startsWith('node:') || f.endsWith('/node-io.ts'))).toEqual([]);
      expect(inputs.some((f) => f.endsWith(browserSide))).toBe(true);
    });
  });
}
