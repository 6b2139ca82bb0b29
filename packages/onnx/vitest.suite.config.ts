import { mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.js';

/** ONNX's backend test models (Debian's libonnx-testdata): `pnpm test:suite`, two shards in parallel. */
export default mergeConfig(sharedConfig, {
  test: { include: ['suite/**/*.test.ts'], testTimeout: 1_200_000, maxWorkers: 2 },
});
