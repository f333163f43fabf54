// What a model agent sends: its last samples of a server, summarised as a report in the real protocol's shape.
import type { ReportMessage } from '../../shared/protocol/messages.js';

/** One second of an agent's view of its server. */
export interface Sample {
  /** CPU utilisation, %, with the scenario's noise. */
  readonly util: number;
  /** Requests in progress per core. */
  readonly runq: number;
  /** Established TCP connections on the server (idle keep-alive ones included). */
  readonly est: number;
  /** Handshakes completed in that second (TcpPassiveOpens). */
  readonly opens: number;
}

/** A report of at least one sample: mean, min, max and count of each metric over them. */
export function reportOf(got: readonly Sample[], seq: number, ts: number, intervalMs: number): ReportMessage {
  const stat = (f: (x: Sample) => number) => {
    const v = got.map(f);
    return { mean: v.reduce((a, b) => a + b, 0) / v.length, min: Math.min(...v), max: Math.max(...v), n: v.length };
  };
  const util = stat((x) => x.util);
  return {
    type: 'report',
    seq,
    ts,
    intervalMs,
    metrics: {
      cpu_util_pct: util,
      cpu_idle_pct: { mean: 100 - util.mean, min: 100 - util.max, max: 100 - util.min, n: util.n },
      run_queue_per_core: stat((x) => x.runq),
      established: stat((x) => x.est),
      listen_queue: { mean: 0, min: 0, max: 0, n: util.n },
      tcp_passive_opens_per_s: stat((x) => x.opens),
      mem_available_pct: stat((x) => Math.max(5, 80 - x.est * 0.05)),
      swap_used_pct: { mean: 0, min: 0, max: 0, n: util.n },
      swap_in_pages_per_s: { mean: 0, min: 0, max: 0, n: util.n },
      swap_out_pages_per_s: { mean: 0, min: 0, max: 0, n: util.n },
      postfix_mailq_active: { mean: 0, min: 0, max: 0, n: 1 },
      postfix_mailq_deferred: { mean: 0, min: 0, max: 0, n: 1 },
    },
    plugins: {},
  };
}
