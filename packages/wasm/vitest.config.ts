import { mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.js';

export default mergeConfig(sharedConfig, {
  // Compiles assembly/ to build/*.wasm before any test file runs (skipped when up to date).
  test: { globalSetup: ['./scripts/vitest-global-setup.ts'] },
});
