// A connection's opening and closing, walked through the kernel's TCP state table, count as ipvsadm would show them:
// SYN_RECV inactive for a round trip, TIME_WAIT (NAT) or FIN_WAIT (DR) inactive for 120 s after the last packet.
import { describe, expect, it } from 'vitest';
import { phaseCourse } from '../../../simulations/model/connection-phases.js';
import { ExpiryQueue, IpvsService } from '../../../simulations/model/ipvs-scheduler.js';
import { isActiveState, nextTcpState, TCP_TIMEOUT_MS } from '../../../simulations/model/tcp-states.js';

describe('the kernel TCP state table (ip_vs_proto_tcp.c)', () => {
  it('takes a NAT connection SYN → SYN_RECV, the client ACK → ESTABLISHED, the server FIN → FIN_WAIT, the client FIN → TIME_WAIT', () => {
    expect(nextTcpState('NONE', 'nat', 'in', 'syn')).toBe('SYN_RECV');
    expect(nextTcpState('SYN_RECV', 'nat', 'out', 'syn')).toBe('SYN_RECV');
    expect(nextTcpState('SYN_RECV', 'nat', 'in', 'ack')).toBe('ESTABLISHED');
    expect(nextTcpState('ESTABLISHED', 'nat', 'out', 'fin')).toBe('FIN_WAIT');
    expect(nextTcpState('FIN_WAIT', 'nat', 'in', 'fin')).toBe('TIME_WAIT');
    // The client closing first: CLOSE_WAIT, then the server's FIN: TIME_WAIT.
    expect(nextTcpState('ESTABLISHED', 'nat', 'in', 'fin')).toBe('CLOSE_WAIT');
    expect(nextTcpState('CLOSE_WAIT', 'nat', 'out', 'fin')).toBe('TIME_WAIT');
  });

  it('under DR sees no reply, and the client FIN takes ESTABLISHED to FIN_WAIT; a RST to CLOSE', () => {
    expect(nextTcpState('ESTABLISHED', 'dr', 'out', 'fin')).toBeUndefined();
    expect(nextTcpState('ESTABLISHED', 'dr', 'in', 'ack')).toBe('ESTABLISHED');
    expect(nextTcpState('ESTABLISHED', 'dr', 'in', 'fin')).toBe('FIN_WAIT');
    expect(nextTcpState('FIN_WAIT', 'dr', 'in', 'ack')).toBe('FIN_WAIT');
    expect(nextTcpState('ESTABLISHED', 'dr', 'in', 'rst')).toBe('CLOSE');
  });

  it('has the kernel timeouts: TIME_WAIT and FIN_WAIT 120 s, CLOSE 10 s, SYN_RECV 60 s, ESTABLISHED 15 min; only ESTABLISHED is active', () => {
    expect([TCP_TIMEOUT_MS.TIME_WAIT, TCP_TIMEOUT_MS.FIN_WAIT, TCP_TIMEOUT_MS.CLOSE, TCP_TIMEOUT_MS.SYN_RECV, TCP_TIMEOUT_MS.ESTABLISHED]).toEqual([120_000, 120_000, 10_000, 60_000, 900_000]);
    expect(Object.keys(TCP_TIMEOUT_MS).filter((s) => isActiveState(s as keyof typeof TCP_TIMEOUT_MS))).toEqual(['ESTABLISHED']);
  });
});

describe('a connection phase as the director counts it', () => {
  it('opening: inactive (SYN_RECV) from the SYN, active one round trip later when the client ACK comes, in NAT and DR alike', () => {
    for (const method of ['nat', 'dr'] as const) {
      const c = phaseCourse(method, 'open');
      expect(c.activeAtStart, method).toBe(false);
      expect(c.changeAtRtt, method).toBe(1);
      expect(c.state, method).toBe('ESTABLISHED');
    }
  });

  it('the server closing: NAT turns inactive at the server FIN, DR one round trip later at the client FIN; both gone 120 s after the last client packet', () => {
    const nat = phaseCourse('nat', 'serverClose');
    expect(nat).toMatchObject({ states: ['FIN_WAIT', 'FIN_WAIT', 'TIME_WAIT', 'TIME_WAIT'], state: 'TIME_WAIT', changeAtRtt: 0, lastAtRtt: 1, timeoutMs: 120_000 });
    const dr = phaseCourse('dr', 'serverClose');
    expect(dr).toMatchObject({ states: ['ESTABLISHED', 'FIN_WAIT'], state: 'FIN_WAIT', changeAtRtt: 1, lastAtRtt: 1, timeoutMs: 120_000 });
  });

  it('the client closing (end of keep-alive or session): inactive at its FIN in NAT (CLOSE_WAIT, then TIME_WAIT) and DR (FIN_WAIT)', () => {
    const nat = phaseCourse('nat', 'clientClose');
    expect(nat).toMatchObject({ states: ['CLOSE_WAIT', 'TIME_WAIT', 'TIME_WAIT'], state: 'TIME_WAIT', changeAtRtt: 0, lastAtRtt: 1, timeoutMs: 120_000 });
    const dr = phaseCourse('dr', 'clientClose');
    expect(dr).toMatchObject({ states: ['FIN_WAIT', 'FIN_WAIT'], state: 'FIN_WAIT', changeAtRtt: 0, lastAtRtt: 1, timeoutMs: 120_000 });
  });
});

describe('the service counts entries as the kernel does', () => {
  it('a SYN_RECV entry is inactive (wlc counts it once, sed and nq not at all) until it establishes', () => {
    const nq = new IpvsService([100, 100], 'nq');
    nq.open(0);
    expect([nq.dests[0]?.active, nq.dests[0]?.synRecv]).toEqual([0, 1]);
    // nq: server 0 has no active connection, so it is idle and taken first again.
    expect(nq.pick(0)).toBe(0);
    nq.establish(0);
    expect(nq.pick(0)).toBe(1);
    const wlc = new IpvsService([100, 100], 'wlc');
    wlc.open(0);
    wlc.bind(1);
    // 0 × 256 + 1 < 1 × 256 + 0: the handshaking server looks the less loaded.
    expect(wlc.pick(0)).toBe(0);
  });

  it('counts a SYN_RECV entry towards the upper threshold (active + inactive), as ip_vs_bind_dest does', () => {
    const svc = new IpvsService([100, 100], 'wlc');
    svc.setThresholds(0, 2, 0);
    svc.open(0);
    svc.open(0);
    expect(svc.dests[0]?.overloaded).toBe(true);
  });

  it('under one-packet scheduling (-o) leaves no entry: counters stay 0, so wlc, sed and nq send every datagram to the same server', () => {
    for (const scheduler of ['wlc', 'sed', 'nq'] as const) {
      const svc = new IpvsService([100, 100, 100], scheduler);
      const picks = Array.from({ length: 30 }, () => {
        const i = svc.pick(0);
        svc.onePacket(i);
        return i;
      });
      expect(new Set(picks), scheduler).toEqual(new Set([0]));
      expect(svc.dests.map((d) => [d.active, d.inactive.length, d.synRecv, d.bound])).toEqual([
        [0, 0, 0, 30],
        [0, 0, 0, 0],
        [0, 0, 0, 0],
      ]);
    }
    const wrr = new IpvsService([100, 100, 100], 'wrr');
    const spread = Array.from({ length: 30 }, () => {
      const i = wrr.pick(0);
      wrr.onePacket(i);
      return i;
    });
    expect([0, 1, 2].map((k) => spread.filter((i) => i === k).length)).toEqual([10, 10, 10]);
  });

  it('keeps expiry times in order when one comes out of order, entries due together in the order they came', () => {
    const q = new ExpiryQueue();
    for (const t of [10, 20, 30, 15, 20, 5]) q.push(t);
    expect(q.expire(4)).toBe(0);
    expect(q.expire(15)).toBe(3); // 5, 10, 15
    expect(q.expire(20)).toBe(2);
    expect(q.length).toBe(1);
    expect(q.expire(30)).toBe(1);
  });
});
