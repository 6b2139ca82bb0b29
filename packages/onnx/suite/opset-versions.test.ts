import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { OPERATOR_VERSIONS } from '../src/opset-versions.js';
import { PYTHON } from './checker.js';

/** Each default-domain operator's versions as ONNX's own schemas (Python, `onnx.defs`) list them. */
const SCRIPT = `
import json, onnx.defs as d
ops = {}
for s in d.get_all_schemas_with_history():
    if s.domain in ('', 'ai.onnx'):
        ops.setdefault(s.name, []).append(s.since_version)
print(json.dumps({'opset': d.onnx_opset_version(), 'ops': {k: sorted(v) for k, v in ops.items()}}))
`;

describe("the operator versions the upgrade crosses are ONNX's own", () => {
  it('every operator version up to the opset of the installed ONNX matches onnx.defs', () => {
    const defs = JSON.parse(execFileSync(PYTHON, ['-c', SCRIPT], { encoding: 'utf8' })) as {
      opset: number;
      ops: Record<string, number[]>;
    };
    expect(defs.opset).toBeGreaterThanOrEqual(17);
    const upTo = (versions: readonly number[]) => versions.filter((v) => v <= defs.opset);
    const ours = Object.fromEntries(
      Object.entries(OPERATOR_VERSIONS)
        .map(([op, v]) => [op, upTo(v)] as const)
        .filter(([, v]) => v.length > 0),
    );
    const theirs = Object.fromEntries(
      Object.entries(defs.ops)
        .map(([op, v]) => [op, upTo(v)] as const)
        .filter(([, v]) => v.length > 0),
    );
    expect(Object.keys(theirs).length).toBeGreaterThan(150);
    expect(ours).toEqual(theirs);
  });
});
