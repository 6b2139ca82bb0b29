// What `#node-io` resolves to outside Node (browsers, bundlers), where these are never called:
// the runtime fetches URLs and starts Web Workers there. See node-io.ts.
import { WasmLoadError } from '../errors.js';
import type * as NodeIo from './node-io.js';

const nodeOnly = (what: string): never => {
  throw new WasmLoadError(`${what} needs Node; this is a browser build of @reparam/wasm`);
};

export const readLocalFile: typeof NodeIo.readLocalFile = (location) =>
  nodeOnly(`reading the local file ${String(location)}`);

export const startNodeWorker: typeof NodeIo.startNodeWorker = () =>
  nodeOnly('starting a worker_threads Worker');
