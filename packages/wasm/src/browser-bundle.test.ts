import { describeBrowserEntry } from '@reparam/conformance';

// What a browser app's bundler sees: file reads and worker_threads stay on the Node side.
describeBrowserEntry({
  entry: new URL('./index.ts', import.meta.url),
  external: ['@reparam/core', '@tensorflow/*'],
  browserSide: '_internal/node-io.browser.ts',
});
