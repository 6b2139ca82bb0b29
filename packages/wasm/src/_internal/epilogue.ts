import type { Activation } from '../graph/ir.js';
import type { Heap } from './heap.js';

/** Activation codes of assembly/epilogue.ts. */
const ACT_CODE: Record<Activation['kind'], number> = {
  relu: 1,
  clip: 2,
  leakyRelu: 3,
  hardSwish: 4,
  sigmoid: 5,
  hardSigmoid: 6,
};

/** What a conv kernel does after its sum of products: y = act(sum + bias + residual). */
export interface EpilogueSpec {
  /** Pointer to one float per output channel, or 0. */
  readonly bias: number;
  readonly activation?: Activation;
  /** Pointer to a tensor laid out as the output, added before the activation. */
  readonly residual?: number;
  /** The output pointer the residual is relative to (the kernel gets `residual - output`). */
  readonly output?: number;
  /** y += sum instead of y = sum (weight gradients over a batch). */
  readonly accumulate?: boolean;
}

/** The activation's code and its two float parameters. */
export function activationCode(activation: Activation | undefined): [number, number, number] {
  if (activation === undefined) return [0, 0, 0];
  const code = ACT_CODE[activation.kind];
  switch (activation.kind) {
    case 'clip':
      return [code, activation.min, activation.max];
    case 'leakyRelu':
      return [code, activation.alpha, 0];
    case 'hardSigmoid':
      return [code, activation.alpha, activation.beta];
    default:
      return [code, 0, 0];
  }
}

/** Bounds of a clamp activation (none, ReLU, Clip), the form the kernels apply inline. */
function clampBounds(activation: Activation | undefined): [number, number] {
  if (activation?.kind === 'relu') return [0, Infinity];
  if (activation?.kind === 'clip') return [activation.min, activation.max];
  return [-Infinity, Infinity];
}

/** Words of a descriptor (assembly/epilogue.ts). */
const WORDS = 8;

/**
 * Writes an epilogue descriptor (assembly/epilogue.ts: bias, act, residual offset, flags, a, b,
 * clamp bounds) on `heap`'s stack and returns its pointer; release it with the caller's mark.
 */
export function writeEpilogue(heap: Heap, spec: EpilogueSpec): number {
  const at = heap.alloc(WORDS);
  const words = new Int32Array(heap.memory.buffer, at, WORDS);
  const floats = new Float32Array(heap.memory.buffer, at, WORDS);
  const [code, a, b] = activationCode(spec.activation);
  words[0] = spec.bias;
  words[1] = code;
  words[2] = spec.residual === undefined ? 0 : spec.residual - (spec.output ?? 0);
  words[3] = (spec.residual === undefined ? 0 : 1) | (spec.accumulate === true ? 2 : 0);
  floats[4] = a;
  floats[5] = b;
  [floats[6], floats[7]] = clampBounds(spec.activation);
  return at;
}

/**
 * A copy of descriptor `epi` whose bias starts `channels` channels later (the epilogue of one
 * group of a grouped conv), on `heap`'s stack; `epi` itself when there is nothing to shift.
 */
export function groupEpilogue(heap: Heap, epi: number, channels: number): number {
  if (epi === 0 || channels === 0) return epi;
  const words = new Int32Array(heap.memory.buffer, epi, WORDS);
  if (words[0] === 0) return epi;
  const at = heap.alloc(WORDS);
  const copy = new Int32Array(heap.memory.buffer, at, WORDS);
  copy.set(words);
  copy[0] += channels * 4;
  return at;
}
