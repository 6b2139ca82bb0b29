import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  sideEffects: string[];
};

/** `./src/layers/*.ts`-style globs (one `*`, no `/` inside it), as bundlers read them. */
const matches = (path: string, glob: string): boolean =>
  new RegExp(`^${glob.replace(/[.]/g, '\\.').replace('*', '[^/]*')}$`).test(`./${path}`);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : [join(dir, e.name)],
  );
}

// Bundlers drop modules whose exports go unused unless package.json's sideEffects lists them.
describe('sideEffects in package.json', () => {
  it('lists every module that registers something with tfjs when it loads, in src and dist', () => {
    const registering = sources(join(root, 'src'))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .filter((f) => /^[\w.]*register\w*\(/m.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    expect(registering.length).toBeGreaterThan(0);
    for (const file of registering) {
      const built = file.replace(/^src\//, 'dist/').replace(/\.ts$/, '.js');
      expect(
        manifest.sideEffects.some((g) => matches(file, g)),
        file,
      ).toBe(true);
      expect(
        manifest.sideEffects.some((g) => matches(built, g)),
        built,
      ).toBe(true);
    }
  });

  // Vite 8 (rolldown) skips a side-effect-free entry's re-exports the app does not name, and the
  // registering modules with them: a saved model then fails to load with "Unknown layer".
  it('lists the entry point, so an app that names no layer class still registers them all', () => {
    expect(manifest.sideEffects).toEqual(expect.arrayContaining(['./src/index.ts']));
    expect(manifest.sideEffects).toEqual(expect.arrayContaining(['./dist/index.js']));
  });
});
