import type { ConversionReport } from '@reparam/onnx';

/** Totals the Convert page shows, before and after. */
export interface ConvertSummary {
  readonly name: string;
  readonly bytes: readonly [number, number];
  readonly nodes: readonly [number, number];
  /** Float values in initializers (the model's parameters). */
  readonly params: readonly [number, number];
  /** Multiply-adds of the re-parameterized regions at the verification input (as the CLI counts). */
  readonly macs: readonly [number, number];
  /** Op type, count before, count after; every op type of either model. */
  readonly ops: readonly (readonly [string, number, number])[];
  readonly inputShape: readonly number[];
  readonly millis: number;
}

/** What the convert worker returns: the summary, core's report, and the deploy model's bytes. */
export interface ConvertResult {
  readonly summary: ConvertSummary;
  readonly report: ConversionReport;
  readonly deploy: Uint8Array;
}

/** One latency measurement: median milliseconds per run, or why the runtime could not run it. */
export type Timing = { readonly ms: number; readonly runs: number } | { readonly error: string };

/** Latency of both forms on one runtime at one thread count. */
export interface LatencyRow {
  readonly runtime: 'onnxruntime-web' | '@reparam/wasm';
  readonly threads: number;
  readonly training: Timing;
  readonly deploy: Timing;
}
