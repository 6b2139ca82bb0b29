import { mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.js';

// Unit tests of the app's own code (src/**/*.test.ts); the pages are tested in Chromium by
// scripts/browser-test.ts.
export default mergeConfig(sharedConfig, { test: { include: ['src/**/*.test.ts'] } });
