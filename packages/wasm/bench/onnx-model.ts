// A minimal ONNX (protobuf) writer for the benchmark's plain networks: Conv (+Relu) chains with a
// GlobalAveragePool + Flatten + Gemm head. Field numbers follow onnx.proto (ModelProto,
// GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto).
import type { NetSpec } from './cases.js';

class Writer {
  private readonly bytes: number[] = [];
  varint(v: number): this {
    let x = BigInt(v);
    if (x < 0n) x += 1n << 64n;
    do {
      let b = Number(x & 0x7fn);
      x >>= 7n;
      if (x > 0n) b |= 0x80;
      this.bytes.push(b);
    } while (x > 0n);
    return this;
  }
  key(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }
  int(field: number, v: number): this {
    return this.key(field, 0).varint(v);
  }
  bytesField(field: number, data: Uint8Array): this {
    this.key(field, 2).varint(data.length);
    for (const b of data) this.bytes.push(b);
    return this;
  }
  string(field: number, s: string): this {
    return this.bytesField(field, new TextEncoder().encode(s));
  }
  message(field: number, build: (w: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    return this.bytesField(field, inner.finish());
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

type Attr = { name: string; ints?: number[]; i?: number };

function node(g: Writer, op: string, inputs: string[], output: string, attrs: Attr[] = []): void {
  g.message(1, (n) => {
    for (const i of inputs) n.string(1, i);
    n.string(2, output).string(3, output).string(4, op);
    for (const a of attrs) {
      n.message(5, (m) => {
        m.string(1, a.name);
        if (a.ints !== undefined) {
          for (const v of a.ints) m.int(8, v);
          m.int(20, 7);
        } else {
          m.int(3, a.i ?? 0).int(20, 2);
        }
      });
    }
  });
}

function initializer(g: Writer, name: string, dims: number[], data: Float32Array): void {
  g.message(5, (t) => {
    for (const d of dims) t.int(1, d);
    t.int(2, 1).string(8, name);
    t.bytesField(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  });
}

function valueInfo(g: Writer, field: number, name: string, dims?: number[]): void {
  g.message(field, (v) => {
    v.string(1, name).message(2, (t) =>
      t.message(1, (tt) => {
        tt.int(1, 1);
        if (dims !== undefined) {
          tt.message(2, (s) => {
            for (const d of dims) s.message(1, (dim) => dim.int(1, d));
          });
        }
      }),
    );
  });
}

/** ONNX bytes (opset 13) of `net` with the given OIHW weights and biases (head last). */
export function onnxModel(net: NetSpec, convs: Float32Array[], biases: Float32Array[]): Uint8Array {
  const m = new Writer();
  m.int(1, 8);
  m.message(8, (o) => o.string(1, '').int(2, 13));
  m.message(7, (g) => {
    let x = 'input';
    net.convs.forEach((c, i) => {
      const k = c.kernel;
      initializer(g, `w${i}`, [c.outC, c.inC, k, k], convs[i]);
      initializer(g, `b${i}`, [c.outC], biases[i]);
      const p = k >> 1;
      node(g, 'Conv', [x, `w${i}`, `b${i}`], `conv${i}`, [
        { name: 'kernel_shape', ints: [k, k] },
        { name: 'pads', ints: [p, p, p, p] },
        { name: 'strides', ints: [c.stride, c.stride] },
        { name: 'group', i: 1 },
      ]);
      x = `conv${i}`;
      if (c.relu) {
        node(g, 'Relu', [x], `relu${i}`);
        x = `relu${i}`;
      }
    });
    if (net.classes > 0) {
      const ch = net.convs[net.convs.length - 1].outC;
      const h = convs.length - 1;
      node(g, 'GlobalAveragePool', [x], 'gap');
      node(g, 'Flatten', ['gap'], 'flat', [{ name: 'axis', i: 1 }]);
      initializer(g, 'fcw', [net.classes, ch], convs[h]);
      initializer(g, 'fcb', [net.classes], biases[h]);
      node(g, 'Gemm', ['flat', 'fcw', 'fcb'], 'output', [{ name: 'transB', i: 1 }]);
    } else {
      node(g, 'Identity', [x], 'output');
    }
    g.string(2, 'bench');
    valueInfo(g, 11, 'input', [...net.inputShape]);
    valueInfo(g, 12, 'output');
  });
  return m.finish();
}
