// Every request a run offered its servers (arrival time at the server side, work), so references can be computed on
// the very same arrivals.

export interface RequestRecord {
  /** When the request reached the server side (ms), ascending: a connection's first one when its handshake completed. */
  readonly t: Float64Array;
  /** Its work, in seconds of a reference core. */
  readonly work: Float64Array;
  /**
   * The network's share of its response time (s), which no dispatch changes: 1.5 round trips for a connection's first
   * request (the handshake, then the response's way back), half a round trip for later ones. Present only with a
   * client round trip.
   */
  readonly netS?: Float64Array;
}

/** A column of doubles that doubles its buffer as it grows. */
class Column {
  buf = new Float64Array(1024);
  size = 0;

  push(x: number): void {
    if (this.size === this.buf.length) {
      const bigger = new Float64Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.size++] = x;
  }

  values(order: Uint32Array | undefined): Float64Array {
    if (!order) return this.buf.slice(0, this.size);
    const out = new Float64Array(this.size);
    order.forEach((k, i) => {
      out[i] = this.buf[k] ?? NaN;
    });
    return out;
  }
}

export class RequestLog {
  private readonly t = new Column();
  private readonly work = new Column();
  private readonly net: Column | undefined;
  private last = -Infinity;
  private sorted = true;

  constructor(withNet: boolean) {
    this.net = withNet ? new Column() : undefined;
  }

  push(t: number, work: number, netS: number): void {
    if (t < this.last) this.sorted = false;
    this.last = t;
    this.t.push(t);
    this.work.push(work);
    this.net?.push(netS);
  }

  /** The record, in order of arrival (a stable sort when requests were logged out of order, e.g. refused ones). */
  finish(): RequestRecord {
    const t = this.t.buf;
    const order = this.sorted ? undefined : Uint32Array.from({ length: this.t.size }, (_, i) => i).sort((a, b) => (t[a] ?? 0) - (t[b] ?? 0) || a - b);
    return { t: this.t.values(order), work: this.work.values(order), ...(this.net ? { netS: this.net.values(order) } : {}) };
  }
}
