// What `#node-io` resolves to outside Node (browsers, bundlers): the same functions, each
// refusing with a UsageError that says what to do instead. See node-io.ts.
import { UsageError } from '../errors.js';
import type * as NodeIo from './node-io.js';

export type { ReadOptions, WriteOptions } from './node-io.js';

const nodeOnly = (what: string, instead: string): never => {
  throw new UsageError(`${what} needs Node's file system; ${instead}`);
};

export const readModel: typeof NodeIo.readModel = (path) =>
  nodeOnly(
    `readModel('${path}')`,
    'in a browser, fetch the bytes (or File.arrayBuffer()) and call parseModel(bytes)',
  );

export const writeModel: typeof NodeIo.writeModel = (path) =>
  nodeOnly(`writeModel('${path}')`, 'in a browser, call serializeModel(model) and save the bytes');

export const readInsideFolder: typeof NodeIo.readInsideFolder = (_dir, location, _o, _l, where) =>
  nodeOnly(
    `${where}: reading external data '${location}'`,
    'in a browser, use models with their tensors inline',
  );

export const readRegularFile: typeof NodeIo.readRegularFile = (path) =>
  nodeOnly(`reading '${path}'`, 'in a browser, read the file with File.arrayBuffer()');

export const openWorkerSession: typeof NodeIo.openWorkerSession = () =>
  Promise.reject(
    new UsageError(
      'openSession: timeoutMs runs onnxruntime in a Node worker thread; in a browser, run the conversion in a Web Worker and terminate it instead',
    ),
  );
