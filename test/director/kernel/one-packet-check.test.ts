// A one-packet UDP service under a scheduler that counts connections is said, with the fix; rr, wrr and TCP are not.
import { describe, expect, it } from 'vitest';
import { parseSave } from '../../../director/kernel/ipvs/parse-save.js';
import { onePacketFindings } from '../../../director/kernel/one-packet-check.js';
import { threeServerConfig } from '../../helpers/director-fixtures.js';

const udp = threeServerConfig({ protocol: 'udp', port: 514 }).core.services;

/** The syslog service of `udp` as `ipvsadm -Sn` prints it, with scheduler `s` and `options` after it. */
const table = (s: string, options: string, flag = '-u') =>
  parseSave([`-A ${flag} 10.0.0.1:514 -s ${s}${options ? ` ${options}` : ''}`, ...[1, 2, 3].map((i) => `-a ${flag} 10.0.0.1:514 -r 10.0.1.1${i}:514 -m -w 100`)].join('\n'));

describe('one-packet scheduling check', () => {
  it('warns of -o under wlc, nq and sed, naming what happens and the ipvsadm line that fixes it', () => {
    for (const s of ['wlc', 'nq', 'lc']) {
      const [f, ...more] = onePacketFindings(udp, table(s, '-o'));
      expect(more).toEqual([]);
      expect(f).toMatchObject({ code: 'ONE_PACKET_SCHEDULER', service: 'web', serviceId: 'udp:10.0.0.1:514' });
      expect(f!.message).toContain(`under ${s}, which counts connections`);
      expect(f!.message).toContain('one server (the last added) gets nearly all of them');
      expect(f!.message).toContain('fix: ipvsadm -E -u 10.0.0.1:514 -s wrr -o');
    }
    expect(onePacketFindings(udp, table('sed', '-o'))[0]!.message).toContain('the heaviest weight gets nearly all of them');
  });

  it('says nothing under rr or wrr, or without -o', () => {
    expect(onePacketFindings(udp, table('wrr', '-o'))).toEqual([]);
    expect(onePacketFindings(udp, table('rr', '-o'))).toEqual([]);
    expect(onePacketFindings(udp, table('wlc', ''))).toEqual([]);
    // A service the config does not name is not the director's to judge.
    expect(onePacketFindings(threeServerConfig({ protocol: 'udp', port: 515 }).core.services, table('wlc', '-o'))).toEqual([]);
  });
});
