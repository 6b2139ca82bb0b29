// `require('@reparam/wasm')`: Node >= 20.19 and >= 22.12 load the ES module itself (require(esm));
// older Node gets one line that says how to load it instead. Bundlers take the `module` condition.
'use strict';
if (typeof process === 'object' && process.features && process.features.require_module) {
  module.exports = require('./dist/index.js');
} else {
  throw new Error(
    "@reparam/wasm is an ES module and this Node cannot require() it: use `const { WasmConvRuntime } = await import('@reparam/wasm')` (or `import`), or Node >= 20.19",
  );
}
