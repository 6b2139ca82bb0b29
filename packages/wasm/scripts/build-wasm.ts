// Compiles assembly/ (AssemblyScript, SIMD128) to build/reparam.wasm (memory imported as
// env.memory), build/reparam-shared.wasm (shared memory, for worker threads) and the same two
// with relaxed SIMD (reparam-relaxed*.wasm).
// Skips the compile when both outputs are newer than every source. Usage: tsx scripts/build-wasm.ts
import { readdirSync, statSync, mkdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import asc from 'assemblyscript/asc';

const root = fileURLToPath(new URL('..', import.meta.url));
const sources = join(root, 'assembly');
const out = join(root, 'build');

const common = [
  'assembly/index.ts',
  '--enable',
  'simd',
  '--runtime',
  'stub',
  '--importMemory',
  '--initialMemory',
  '1',
  '-O3',
  '--noAssert',
  '--use',
  'abort=',
];
const shared = ['--enable', 'threads', '--sharedMemory', '--maximumMemory', '65536'];
const relaxed = ['--enable', 'relaxed-simd'];
const variants: { file: string; flags: string[] }[] = [
  { file: 'reparam.wasm', flags: ['--maximumMemory', '65536'] },
  { file: 'reparam-shared.wasm', flags: shared },
  // Relaxed SIMD (fused multiply-add in assembly/madd.ts), used where the engine supports it.
  { file: 'reparam-relaxed.wasm', flags: [...relaxed, '--maximumMemory', '65536'] },
  { file: 'reparam-relaxed-shared.wasm', flags: [...relaxed, ...shared] },
];

function newestSource(): number {
  return Math.max(...readdirSync(sources).map((f) => statSync(join(sources, f)).mtimeMs));
}

/** Builds the modules unless they are up to date; returns the built paths. */
export async function buildWasm(force = false): Promise<string[]> {
  mkdirSync(out, { recursive: true });
  const newest = newestSource();
  const paths: string[] = [];
  for (const v of variants) {
    const path = join(out, v.file);
    paths.push(path);
    if (!force && existsSync(path) && statSync(path).mtimeMs > newest) continue;
    const { error, stderr } = await asc.main([...common, ...v.flags, '-o', `build/${v.file}`], {
      // asc resolves paths against its baseDir.
      ...{ baseDir: root },
    } as Parameters<typeof asc.main>[1]);
    if (error)
      throw new Error(
        `build-wasm: asc failed for ${v.file}: ${error.message}\n${stderr.toString()}`,
      );
  }
  return paths;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const paths = await buildWasm(process.argv.includes('--force'));
  console.log(`build-wasm: ${paths.join(', ')}`);
}
