import { describeBrowserEntry } from '@reparam/conformance';

// What a browser app's bundler sees: file I/O and the worker timeout stay on the Node side.
describeBrowserEntry({
  entry: new URL('./index.ts', import.meta.url),
  external: ['onnxruntime-web', 'protobufjs', '@reparam/core'],
  browserSide: '_internal/node-io.browser.ts',
});
