import Table from 'cli-table3';
import type { ModelProto } from '@reparam/onnx';

/** Op counts, parameters and bytes of a model before and after a conversion. */
export interface Summary {
  readonly ops: readonly { readonly op: string; readonly before: number; readonly after: number }[];
  readonly parameters: { readonly before: number; readonly after: number };
  /** Bytes on disk (model file and external data); `after` is absent when nothing was written. */
  readonly bytes: { readonly before: number; readonly after?: number };
}

const FLOATS = new Set([1, 10, 11, 16]); // float, float16, double, bfloat16

/** Elements of the floating-point initializers and Constant tensors of the main graph. */
export function parameterCount(model: ModelProto): number {
  const graph = model.graph!;
  const tensors = [
    ...graph.initializer,
    ...graph.node
      .filter((n) => n.opType === 'Constant')
      .flatMap((n) => n.attribute.flatMap((a) => (a.t === undefined ? [] : [a.t]))),
  ];
  return tensors
    .filter((t) => FLOATS.has(t.dataType ?? 0))
    .reduce((sum, t) => sum + t.dims.reduce((a, d) => a * d, 1), 0);
}

function opCounts(model: ModelProto): Map<string, number> {
  const out = new Map<string, number>();
  for (const n of model.graph!.node) out.set(n.opType ?? '', (out.get(n.opType ?? '') ?? 0) + 1);
  return out;
}

/** Compares two models: every op type of either, parameters, and the given byte sizes. */
export function summarize(before: ModelProto, after: ModelProto, bytes: Summary['bytes']): Summary {
  const a = opCounts(before);
  const b = opCounts(after);
  const ops = [...new Set([...a.keys(), ...b.keys()])]
    .sort()
    .map((op) => ({ op, before: a.get(op) ?? 0, after: b.get(op) ?? 0 }));
  return {
    ops,
    parameters: { before: parameterCount(before), after: parameterCount(after) },
    bytes,
  };
}

/** `1234567` -> `1.18 MiB`. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let k = 0;
  while (n >= 1024 && k < units.length - 1) {
    n /= 1024;
    k++;
  }
  return k === 0 ? `${n} B` : `${n.toFixed(2)} ${units[k]}`;
}

/** The summary as a table in the style of onnx-simplifier: op type, before, after. */
export function summaryTable(s: Summary, columns: readonly [string, string]): string[] {
  const table = new Table({
    head: ['', ...columns],
    style: { head: [], border: [] }, // no colours: output may be a log
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' }, // no rule between rows
    colAligns: ['left', 'right', 'right'],
  });
  for (const o of s.ops) table.push([o.op, o.before, o.after]);
  table.push(['parameters', s.parameters.before, s.parameters.after]);
  table.push([
    'file size',
    formatBytes(s.bytes.before),
    s.bytes.after === undefined ? '-' : formatBytes(s.bytes.after),
  ]);
  return table.toString().split('\n');
}
