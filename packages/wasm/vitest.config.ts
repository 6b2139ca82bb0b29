import { mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.js';

export default mergeConfig(sharedConfig, {
  test: {
    // Compiles assembly/ to build/*.wasm before any test file runs (skipped when up to date).
    globalSetup: ['./scripts/vitest-global-setup.ts'],
    // Node 20 runs relaxed SIMD only behind this flag (browsers ship it): with it the default
    // runtimes load the relaxed build, and the tests that ask for `relaxedSimd: false` the plain one.
    execArgv: ['--experimental-wasm-relaxed-simd'],
  },
});
