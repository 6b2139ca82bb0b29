// Node's file system and worker threads, reached only through the `#node-io` import (package.json
// `imports`): Node resolves it here, browsers and bundlers to node-io.browser.ts, so no `node:`
// module is reachable from a browser bundle.
export { readModel, writeModel, type ReadOptions, type WriteOptions } from '../model-io.js';
export { readInsideFolder, readRegularFile } from '../files.js';
export { openWorkerSession } from '../ort-worker.js';
