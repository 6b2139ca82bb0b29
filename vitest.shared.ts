import { defineConfig } from 'vitest/config';

/** Resolve workspace packages to their TypeScript sources, so tests need no build step. */
export const sharedConfig = defineConfig({
  resolve: { conditions: ['@reparam/source'] },
  ssr: { resolve: { conditions: ['@reparam/source'] } },
  test: { testTimeout: 60_000 },
});
