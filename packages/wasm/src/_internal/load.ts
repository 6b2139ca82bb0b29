import { WasmLoadError } from '../errors.js';

/** Where the compiled kernels live: bytes, a compiled module, or a URL / path to fetch or read. */
export type WasmSource = BufferSource | WebAssembly.Module | URL | string;

/** The module built by `pnpm build:wasm` (scripts/build-wasm.ts), next to src/ and dist/. */
export function defaultWasmUrl(shared: boolean, relaxed = false): URL {
  const name = `reparam${relaxed ? '-relaxed' : ''}${shared ? '-shared' : ''}.wasm`;
  return new URL(`../../build/${name}`, import.meta.url);
}

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

async function readBytes(location: URL | string): Promise<BufferSource> {
  if (isNode()) {
    const url = location instanceof URL ? location : null;
    if (url === null || url.protocol === 'file:') {
      const { readFile } = await import('node:fs/promises');
      return readFile(url ?? location);
    }
  }
  const response = await fetch(location);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.arrayBuffer();
}

/** Compiles the kernels module from any {@link WasmSource}; defaults to the package's build. */
export async function compileKernels(
  source: WasmSource | undefined,
  shared: boolean,
  relaxed = false,
): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  const where = source === undefined ? defaultWasmUrl(shared, relaxed) : source;
  try {
    const bytes =
      typeof where === 'string' || where instanceof URL ? await readBytes(where) : where;
    return await WebAssembly.compile(bytes);
  } catch (cause) {
    const name =
      typeof where === 'string' || where instanceof URL ? String(where) : 'the given bytes';
    throw new WasmLoadError(
      `compileKernels: cannot compile the ${shared ? 'shared-memory' : 'single-thread'} kernels ` +
        `from ${name} (${String(cause)}); run \`pnpm --filter @reparam/wasm build:wasm\` or pass ` +
        `a wasm source`,
      { cause },
    );
  }
}

/**
 * The package's kernels with relaxed SIMD when `preferRelaxed` and the engine compiles them
 * (browsers; Node 20 only with --experimental-wasm-relaxed-simd), else the plain SIMD128 build.
 */
export async function compileDefaultKernels(
  shared: boolean,
  preferRelaxed: boolean,
): Promise<{ module: WebAssembly.Module; relaxed: boolean }> {
  if (preferRelaxed) {
    try {
      return { module: await compileKernels(undefined, shared, true), relaxed: true };
    } catch {
      // Not supported here (or not built): fall back to plain SIMD128.
    }
  }
  return { module: await compileKernels(undefined, shared, false), relaxed: false };
}
