import { WasmLoadError } from '../errors.js';

/** Where the compiled kernels live: bytes, a compiled module, or a URL / path to fetch or read. */
export type WasmSource = BufferSource | WebAssembly.Module | URL | string;

/** The four builds of the kernels (plain or relaxed SIMD, private or shared memory). */
export type WasmFileName =
  'reparam.wasm' | 'reparam-shared.wasm' | 'reparam-relaxed.wasm' | 'reparam-relaxed-shared.wasm';

/**
 * Where to fetch the kernels from instead of the package's own files: a folder URL or path
 * ending in `/` that holds all four (`'/assets/reparam/'`), or one location per file. Like
 * onnxruntime-web's `env.wasm.wasmPaths` and tfjs-backend-wasm's `setWasmPaths`.
 */
export type WasmPaths = string | Partial<Readonly<Record<WasmFileName, string | URL>>>;

/**
 * The package's own files, each as a literal `new URL(..., import.meta.url)`: Vite and webpack 5
 * see these and copy the files into the app's build without configuration.
 */
const packaged: Readonly<Record<WasmFileName, () => URL>> = {
  'reparam.wasm': () => new URL('../../build/reparam.wasm', import.meta.url),
  'reparam-shared.wasm': () => new URL('../../build/reparam-shared.wasm', import.meta.url),
  'reparam-relaxed.wasm': () => new URL('../../build/reparam-relaxed.wasm', import.meta.url),
  'reparam-relaxed-shared.wasm': () =>
    new URL('../../build/reparam-relaxed-shared.wasm', import.meta.url),
};

let defaultPaths: WasmPaths | undefined;

/**
 * Sets where every later runtime fetches its kernels from (see {@link WasmPaths}); `undefined`
 * goes back to the package's own files. A runtime's `wasmPaths` option takes precedence.
 */
export function setWasmPaths(paths: WasmPaths | undefined): void {
  defaultPaths = paths;
}

/** The file name of one build. */
export const wasmFileName = (shared: boolean, relaxed: boolean): WasmFileName =>
  `reparam${relaxed ? '-relaxed' : ''}${shared ? '-shared' : ''}.wasm`;

/** Where one build is fetched from, given `paths` (else {@link setWasmPaths}'s, else the package's). */
export function wasmLocation(file: WasmFileName, paths = defaultPaths): URL | string {
  if (typeof paths === 'string') return paths + file;
  return paths?.[file] ?? packaged[file]();
}

const isNode = (): boolean =>
  typeof process !== 'undefined' && typeof process.versions?.node === 'string';

async function readBytes(location: URL | string): Promise<BufferSource> {
  const href = String(location);
  if (isNode() && !/^(https?|data|blob):/.test(href)) {
    const { readLocalFile } = await import('#node-io');
    return readLocalFile(location);
  }
  const response = await fetch(location);
  if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
  return response.arrayBuffer();
}

/** The URL a relative location was fetched from (a page's base), or the location itself. */
function absolute(location: URL | string): string {
  try {
    return new URL(location, (globalThis as { location?: { href: string } }).location?.href).href;
  } catch {
    return String(location); // a relative file path in Node
  }
}

const HELP =
  "If the app's bundler did not copy @reparam/wasm's .wasm files (Vite and webpack 5 do; " +
  'esbuild and others do not), serve node_modules/@reparam/wasm/build/*.wasm from a folder ' +
  "and pass its URL: WasmConvRuntime.create({ wasmPaths: '/folder/' }) or setWasmPaths('/folder/')";

/**
 * Compiles the kernels module from any {@link WasmSource}; by default one of the package's
 * builds, located through `paths`. A failure names the URL and what the app can do.
 */
export async function compileKernels(
  source: WasmSource | undefined,
  shared: boolean,
  relaxed = false,
  paths?: WasmPaths,
): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  const where = source ?? wasmLocation(wasmFileName(shared, relaxed), paths ?? defaultPaths);
  try {
    const bytes =
      typeof where === 'string' || where instanceof URL ? await readBytes(where) : where;
    return await WebAssembly.compile(bytes);
  } catch (cause) {
    const name =
      typeof where === 'string' || where instanceof URL ? absolute(where) : 'the given bytes';
    throw new WasmLoadError(
      `WasmConvRuntime.create: cannot load the ${shared ? 'shared-memory' : 'single-thread'} ` +
        `kernels from ${name} (${String(cause)}). ${source === undefined ? HELP : 'Check the wasm option'}`,
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
  paths?: WasmPaths,
): Promise<{ module: WebAssembly.Module; relaxed: boolean }> {
  if (preferRelaxed) {
    try {
      return { module: await compileKernels(undefined, shared, true, paths), relaxed: true };
    } catch {
      // Not supported here (or not served): fall back to plain SIMD128.
    }
  }
  return { module: await compileKernels(undefined, shared, false, paths), relaxed: false };
}
