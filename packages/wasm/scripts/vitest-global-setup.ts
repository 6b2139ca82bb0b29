import { buildWasm } from './build-wasm.js';

/** vitest global setup: the tests load build/*.wasm, so build it first (CI runs no build step). */
export default async function setup(): Promise<void> {
  await buildWasm();
}
