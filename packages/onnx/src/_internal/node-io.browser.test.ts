import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import * as browser from './node-io.browser.js';
import * as node from './node-io.js';

// What a browser bundle gets for `#node-io` (package.json `imports`, non-node condition).
describe('the browser side of #node-io', () => {
  it('has every function of the Node side', () => {
    expect(Object.keys(browser).sort()).toEqual(Object.keys(node).sort());
  });

  it('refuses file access with a UsageError that says what to do in a browser', () => {
    expect(() => browser.readModel('model.onnx')).toThrow(UsageError);
    expect(() => browser.readModel('model.onnx')).toThrow(
      /readModel\('model\.onnx'\) needs Node's file system; .*parseModel\(bytes\)/,
    );
    expect(() => browser.writeModel('out.onnx', { graph: undefined } as never)).toThrow(
      /writeModel\('out\.onnx'\).*serializeModel\(model\)/,
    );
    expect(() => browser.readInsideFolder('/m', 'w.bin', 0, 4, "tensor 'w'")).toThrow(
      /external data 'w\.bin' needs Node's file system/,
    );
  });

  it('refuses the worker-thread timeout with a UsageError naming the browser alternative', async () => {
    await expect(browser.openWorkerSession(new Uint8Array(), { timeoutMs: 1 })).rejects.toThrow(
      /timeoutMs runs onnxruntime in a Node worker thread; in a browser, run the conversion in a Web Worker/,
    );
  });
});
