// The service-port counter of /proc/net/tcp{,6} agrees with the full parser, on fixtures and on this host's live table.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNetTcp, TCP_ESTABLISHED, TCP_LISTEN } from '../../../agent/proc/net-tcp.js';
import { countPortSockets, PortSocketCounter, type PortSockets } from '../../../agent/proc/net-tcp-ports.js';
import { scanProcTable } from '../../../agent/proc/read-proc.js';
import { socketsCollector } from '../../../agent/collectors/sockets.js';
import { ProcParseError } from '../../../agent/errors.js';

const fixture = (p: string): Buffer => readFileSync(new URL(`../../fixtures/proc/${p}`, import.meta.url));

/** What the full parser says about the same ports. */
function reference(text: string, ports: readonly number[], file: string): Map<number, PortSockets> {
  const out = new Map<number, PortSockets>();
  for (const port of ports) out.set(port, { listeners: 0, acceptQueue: 0, established: 0 });
  for (const s of parseNetTcp(text, file)) {
    const c = out.get(s.localPort);
    if (!c) continue;
    if (s.state === TCP_LISTEN) {
      c.listeners++;
      c.acceptQueue += s.rxQueue;
    } else if (s.state === TCP_ESTABLISHED) c.established++;
  }
  return out;
}

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const row = (sl: number, local: string, remote: string, st: string, rx = '00000000'): string =>
  `${String(sl).padStart(4)}: ${local} ${remote} ${st} 00000000:${rx} 00:00000000 00000000     0        0 1 1 0000000000000000 20 4 30 10 -1\n`;

describe('countPortSockets', () => {
  it('counts listeners, their accept queues and established sockets of the service ports in the fixtures', () => {
    const v4 = countPortSockets(fixture('web-80/net/tcp'), [80, 22, 5000, 443], 'net/tcp');
    expect(v4.get(80)).toMatchObject({ listeners: 1, acceptQueue: 3 });
    expect(v4.get(443)).toEqual({ listeners: 0, acceptQueue: 0, established: 0 });
    for (const file of ['net/tcp', 'net/tcp6']) {
      const bytes = fixture(`web-80/${file}`);
      expect(countPortSockets(bytes, [80, 22, 5000, 443], file)).toEqual(reference(bytes.toString('latin1'), [80, 22, 5000, 443], file));
    }
  });

  it('agrees with the full parser on this host’s live tables, for every port found in them', () => {
    for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch {
        continue; // no IPv6
      }
      const text = bytes.toString('latin1');
      const ports = [...new Set(parseNetTcp(text, file).map((s) => s.localPort))].slice(0, 50);
      expect(countPortSockets(bytes, [...ports, 1], file)).toEqual(reference(text, [...ports, 1], file));
    }
  });

  it('counts a port only in the local address, also past sl 9999 where the first field is wider', () => {
    const table =
      HEADER +
      row(0, '0100007F:0050', '00000000:0000', '0A', '00000004') +
      row(1, '0100007F:D2F0', '0100007F:0050', '01') + // a client of port 80: its remote port
      row(12_345, '0100007F:0050', '0100007F:D2F0', '01') +
      row(12_346, '0100007F:0050', '0100007F:D2F2', '06');
    expect(countPortSockets(Buffer.from(table), [80, 0xd2f0])).toEqual(
      new Map([
        [80, { listeners: 1, acceptQueue: 4, established: 1 }],
        [0xd2f0, { listeners: 0, acceptQueue: 0, established: 1 }],
      ]),
    );
    expect(countPortSockets(Buffer.from(HEADER), [80]).get(80)).toEqual({ listeners: 0, acceptQueue: 0, established: 0 });
  });

  it('reads a table larger than its buffer in runs of whole lines: the same counts as the table read whole', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lvsf-tcp-'));
    mkdirSync(join(dir, 'net'));
    let table = HEADER;
    // About 1.5 MB: several buffers' worth, lines cut anywhere by the reads.
    for (let i = 0; i < 10_000; i++) table += row(i, `0100007F:${i % 3 === 0 ? '0050' : 'D2F0'}`, `0100007F:${(0x1000 + i).toString(16).toUpperCase()}`, i % 7 === 0 ? '0A' : '01', '00000002');
    writeFileSync(join(dir, 'net/tcp'), table);
    const counter = new PortSocketCounter([80, 0xd2f0]);
    let runs = 0;
    expect(scanProcTable(dir, 'net/tcp', (lines) => {
      runs++;
      expect(lines[lines.length - 1]).toBe(0x0a);
      counter.add(lines);
    })).toBe(true);
    expect(runs).toBeGreaterThan(1);
    expect(counter.counts).toEqual(reference(table, [80, 0xd2f0], 'net/tcp'));
    expect(scanProcTable(dir, 'net/tcp6', () => {}, true)).toBe(false);
  });

  it('skips tcp6 when sockstat6 says no IPv6 TCP socket is in use, and reads it otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lvsf-tcp6-'));
    mkdirSync(join(dir, 'net'));
    writeFileSync(join(dir, 'net/tcp'), HEADER + row(0, '0100007F:0050', '0100007F:D2F0', '01'));
    const v6 = readFileSync(new URL('../../fixtures/proc/web-80/net/tcp6', import.meta.url));
    writeFileSync(join(dir, 'net/tcp6'), v6);
    const collect = () => socketsCollector({ procRoot: dir, ports: [80] }).collect();
    writeFileSync(join(dir, 'net/sockstat6'), 'TCP6: inuse 2\nUDP6: inuse 0\n');
    expect(await collect()).toMatchObject({ established_80: 2, listen_queue_80: 2 });
    writeFileSync(join(dir, 'net/sockstat6'), 'TCP6: inuse 0\nUDP6: inuse 0\n');
    writeFileSync(join(dir, 'net/tcp6'), 'not read\n');
    expect(await collect()).toEqual({ established_80: 1, established: 1 });
  });

  it('a table without the header, or a line naming a port that is not a socket, is PROC_PARSE with the line', () => {
    const cases: [string, RegExp][] = [
      ['garbage\n', /^net\/tcp: missing the "sl local_address/],
      [`${HEADER}${row(0, '0100007F:0050', '00000000:0000', '0A')}   1: 0100007F:0050 00000000:0000 ZZ 00000000:00000000\n`, /^net\/tcp: not a socket line: 1: 0100007F:0050 00000000:0000 ZZ/],
      [`${HEADER}   0: 0100007F:0050 00000000:0000\n`, /^net\/tcp: not a socket line: 0: 0100007F:0050 00000000:0000$/],
    ];
    for (const [table, message] of cases) {
      let caught: unknown;
      try {
        countPortSockets(Buffer.from(table), [80]);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ProcParseError);
      expect((caught as Error).message).toMatch(message);
    }
  });
});
