import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serializeModel, type ModelProto } from '../src/index.js';

/** The Python that has ONNX's own checker (Debian: apt-get install python3-onnx). */
export const PYTHON = process.env.ONNX_PYTHON ?? '/usr/bin/python3';

const SCRIPT = `
import json, sys, onnx
from onnx import numpy_helper
out, sums = {}, {}
for path in sys.argv[1:]:
    try:
        model = onnx.load(path)  # external data from the model's folder, as ONNX reads it
        onnx.checker.check_model(model)
        sums[path] = {t.name: float(numpy_helper.to_array(t).astype('float64').sum()) for t in model.graph.initializer if t.data_type in (1, 11)}
    except Exception as e:
        out[path] = str(e).splitlines()[0] if str(e) else type(e).__name__
print(json.dumps({'complaints': out, 'sums': sums}))
`;

/** What ONNX's own loader and checker say about model files: complaints, and each float initializer's sum. */
export interface CheckedFiles {
  readonly complaints: Readonly<Record<string, string>>;
  readonly sums: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/**
 * Loads each `.onnx` file with ONNX's Python loader (external data included) and runs its
 * checker. Throws when Python or its onnx package is missing, saying what to install.
 */
export function checkFiles(paths: readonly string[]): CheckedFiles {
  let stdout: string;
  try {
    stdout = execFileSync(PYTHON, ['-c', SCRIPT, ...paths], {
      encoding: 'utf8',
      maxBuffer: 64 * 2 ** 20,
    });
  } catch (e) {
    throw new Error(
      `checkFiles: ${PYTHON} with ONNX's checker is needed (apt-get install python3-onnx, or set ONNX_PYTHON): ${(e as Error).message.split('\n')[0]}`,
      { cause: e },
    );
  }
  return JSON.parse(stdout) as CheckedFiles;
}

/**
 * Runs `onnx.checker.check_model` (ONNX's reference checker, in Python) on each model and returns
 * its complaint per id; an empty map means every model is valid. Throws when Python or its onnx
 * package is missing, saying what to install.
 */
export function checkerComplaints(models: ReadonlyMap<string, ModelProto>): Map<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'reparam-checker-'));
  try {
    const paths = new Map<string, string>();
    let k = 0;
    for (const [id, model] of models) {
      const path = join(dir, `${k++}.onnx`);
      writeFileSync(path, serializeModel(model));
      paths.set(path, id);
    }
    const { complaints } = checkFiles([...paths.keys()]);
    return new Map(Object.entries(complaints).map(([path, why]) => [paths.get(path)!, why]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
