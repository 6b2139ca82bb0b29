import { writeFileSync } from 'node:fs';
import { IoError, UsageError } from '@reparam/onnx';
import { defineCommand } from '../command.js';
import { readInput } from '../input.js';
import { writeJson, writeLines } from '../io.js';
import { common, flag, positiveInteger, stringList } from '../options.js';
import { checkOutputPath } from '../output-path.js';
import { readModelInputs, wasmInputs } from '../wasm-inputs.js';
import { wasmGraphOf } from '../wasm-graph.js';

const { shape, json, 'max-memory': maxMemory } = common;

/** Where each output goes: `NAME=file.npy`, or a bare path for a model with one output. */
function outputFiles(specs: readonly string[], outputs: readonly string[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const name = eq > 0 ? spec.slice(0, eq) : outputs.length === 1 ? outputs[0] : undefined;
    if (name === undefined)
      throw new UsageError(
        `--output '${spec}': the model has ${outputs.length} outputs (${outputs.map((o) => `'${o}'`).join(', ')}); name each as NAME=file.npy`,
      );
    if (!outputs.includes(name))
      throw new UsageError(
        `--output '${spec}': the model has no output '${name}'; its outputs are ${outputs.map((o) => `'${o}'`).join(', ')}`,
      );
    files.set(name, eq > 0 ? spec.slice(eq + 1) : spec);
  }
  return files;
}

/** `reparam run MODEL.onnx --input x.npy [--output y.npy]`: one inference on @reparam/wasm. */
export const run = defineCommand({
  name: 'run',
  summary: 'run a deploy model on the WebAssembly runtime (.npy in and out)',
  usage: 'MODEL.onnx --input x.npy [--output y.npy] [options]',
  details: [
    "Loads the model into @reparam/wasm's graph runtime (a model with operators it does not run",
    'is refused at load, every such node listed), runs it once on the given inputs and writes',
    'each output as a float32 .npy file; without --output it prints their shapes and ranges.',
  ],
  positionals: { min: 1, max: 1, what: 'one model' },
  options: {
    input: stringList(
      'the input as a numpy .npy array (NAME=file.npy for a model with several inputs; repeat)',
      'x.npy',
    ),
    output: stringList(
      'write the output as .npy (NAME=file.npy for a model with several outputs; repeat)',
      'y.npy',
      'o',
    ),
    threads: positiveInteger('threads of the runtime (default 1)'),
    force: flag('replace an existing output file', 'f'),
    shape,
    json,
    'max-memory': maxMemory,
  },
  examples: ['reparam run resnet18_deploy.onnx --input image.npy --output logits.npy --threads 2'],
  exitCodes: '0 done, 2 bad input (an unsupported model included), usage or I/O',
  async run({ options, positionals: [path], io }) {
    const { model } = readInput(path, options['max-memory']);
    const graph = await wasmGraphOf(model);
    const { encodeNpy, WasmConvRuntime, WasmGraph } = await import('@reparam/wasm');
    const files = outputFiles(options.output, graph.outputs);
    for (const file of files.values()) checkOutputPath(file, [path], options.force);
    const inputs = wasmInputs(model, readModelInputs(model, options.input), options.shape);
    const rt = await WasmConvRuntime.create({ threads: options.threads ?? 1 });
    let outputs;
    let ms;
    let net;
    try {
      net = WasmGraph.compile(rt, graph, {
        inputShapes: Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, t.shape])),
      });
      const t0 = performance.now();
      outputs = net.run(inputs);
      ms = performance.now() - t0;
    } finally {
      rt.dispose();
    }
    for (const [name, file] of files) {
      try {
        writeFileSync(file, encodeNpy(outputs[name]), { flag: options.force ? 'w' : 'wx' });
      } catch (e) {
        throw new IoError(`run: cannot write '${file}': ${(e as Error).message}`, file, {
          cause: e,
        });
      }
    }
    const summary = graph.outputs.map((name) => {
      const { data, shape: dims } = outputs[name];
      let argmax = 0;
      for (let i = 1; i < data.length; i++) if (data[i] > data[argmax]) argmax = i;
      return {
        name,
        shape: dims,
        min: data.reduce((a, v) => Math.min(a, v), Infinity),
        max: data[argmax],
        argmax,
        file: files.get(name),
      };
    });
    const memory = {
      activationBytes: net.memory.activationBytes,
      weightBytes: net.memory.weightBytes,
    };
    if (options.json) {
      writeJson(io.stdout, {
        ok: true,
        command: 'run',
        model: path,
        threads: rt.threads,
        ms,
        memory,
        outputs: summary,
      });
      return 0;
    }
    writeLines(io.stdout, [
      ...summary.map(
        (o) =>
          `${o.name}: ${o.shape.join('x')}, min ${o.min.toPrecision(5)}, max ${o.max.toPrecision(5)} at ${o.argmax}${o.file === undefined ? '' : ` -> ${o.file}`}`,
      ),
      `@reparam/wasm, ${rt.threads} thread(s): ${ms.toFixed(1)} ms (first run, packing excluded), activations ${(memory.activationBytes / 2 ** 20).toFixed(1)} MiB`,
    ]);
    return 0;
  },
});
