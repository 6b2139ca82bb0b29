// Node's file system and worker threads, reached only through the `#node-io` import (package.json
// `imports`): Node resolves it here, browsers and bundlers to node-io.browser.ts, so no `node:`
// module is reachable from a browser bundle.
import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';

/** Reads a local file given as a path or a `file:` URL. */
export const readLocalFile = (location: URL | string): Promise<Uint8Array<ArrayBuffer>> =>
  readFile(location);

/** Starts a Node worker thread running `source` (CommonJS text), unref'd. */
export function startNodeWorker(source: string): Worker {
  const worker = new Worker(source, { eval: true });
  worker.unref();
  return worker;
}
