import { describe, expect, it } from 'vitest';
import { applyLines } from '../../../../director/kernel/ipvs/apply-lines.js';
import { emptyTable } from '../../../../director/kernel/ipvs/model.js';
import { lineLanded } from '../../../../director/kernel/ipvs/verify.js';

// ipvsadm -R in memory, on the facts measured on a real kernel (test/vm/ipvs-model.vm.test.ts checks the model there).
const start = applyLines(emptyTable(), [
  '-A -t 10.0.0.1:80 -s wrr',
  '-a -t 10.0.0.1:80 -r 10.0.1.11:80 -m -w 100 -x 0 -y 0',
  '-a -t 10.0.0.1:80 -r 10.0.1.12:80 -g -w 50 -x 800 -y 600',
  '-A -f 5 -s wlc',
  '-a -f 5 -r 10.0.2.21:0 -g -w 3',
]).table;
const dests = (lines: string[], service = 'tcp:10.0.0.1:80') => {
  const svc = applyLines(start, lines).table.services.get(service)!;
  return Object.fromEntries([...svc.dests].map(([id, d]) => [id, [d.method, d.weight, d.upper, d.lower]]));
};
const reasons = (lines: string[]) => applyLines(start, lines).errors.map((e) => [e.kind, e.reason]);

describe('ipvsadm -R in memory', () => {
  it('refuses a lower threshold above the upper one (also with no upper), as the kernel does; equal is fine', () => {
    expect(reasons(['-e -t 10.0.0.1:80 -r 10.0.1.11:80 -m -w 1 -x 0 -y 5', '-a -t 10.0.0.1:80 -r 10.0.1.13:80 -m -w 1 -x 3 -y 4', '-e -t 10.0.0.1:80 -r 10.0.1.12:80 -g -w 1 -x 5 -y 5'])).toEqual([
      ['refused', 'Numerical result out of range'],
      ['refused', 'Numerical result out of range'],
    ]);
    expect(dests(['-e -t 10.0.0.1:80 -r 10.0.1.11:80 -m -w 1 -x 0 -y 5', '-e -t 10.0.0.1:80 -r 10.0.1.12:80 -g -w 1 -x 5 -y 5'])).toEqual({ '10.0.1.11:80': ['masq', 100, 0, 0], '10.0.1.12:80': ['route', 1, 5, 5] });
  });

  it('checks in the kernel’s order: the service, then the thresholds, then whether the destination exists', () => {
    expect(reasons(['-a -t 10.0.0.9:80 -r 10.0.1.11:80 -m -x 1 -y 2', '-a -t 10.0.0.1:80 -r 10.0.1.11:80 -m -x 1 -y 2', '-e -t 10.0.0.1:80 -r 10.0.1.99:80 -m -x 1 -y 2', '-d -f 9 -r 10.0.2.21:0'])).toEqual([
      ['refused', 'Service not defined'],
      ['refused', 'Numerical result out of range'],
      ['refused', 'Numerical result out of range'],
      ['refused', 'Service not defined'],
    ]);
    expect(reasons(['-A -f 5 -s rr', '-a -t 10.0.0.1:80 -r 10.0.1.11:80 -m', '-e -t 10.0.0.1:80 -r 10.0.1.99:80 -m', '-d -t 10.0.0.1:80 -r 10.0.1.99:80'])).toEqual([
      ['refused', 'Service already exists'],
      ['refused', 'Destination already exists'],
      ['refused', 'No such destination'],
      ['refused', 'No such destination'],
    ]);
  });

  it('forces a route or tunnel destination onto the service’s port (not for a firewall mark), keeps a masq one’s', () => {
    expect(dests(['-e -t 10.0.0.1:80 -r 10.0.1.12:8080 -i -w 7', '-a -t 10.0.0.1:80 -r 10.0.1.13:8080 -m -w 2', '-a -t 10.0.0.1:80 -r 10.0.1.14:8080 -g -w 3'])).toEqual({
      '10.0.1.11:80': ['masq', 100, 0, 0],
      '10.0.1.12:80': ['tunnel', 7, 0, 0],
      '10.0.1.13:8080': ['masq', 2, 0, 0],
      '10.0.1.14:80': ['route', 3, 0, 0],
    });
    expect(dests(['-a -f 5 -r 10.0.2.22:8080 -i -w 1'], 'fwm:5')).toEqual({ '10.0.2.21:0': ['route', 3, 0, 0], '10.0.2.22:8080': ['tunnel', 1, 0, 0] });
    // A -d is not forced: the masq destination at 8080 is not the one at 80.
    expect(reasons(['-d -t 10.0.0.1:80 -r 10.0.1.12:8080'])).toEqual([['refused', 'No such destination']]);
    expect(lineLanded(applyLines(start, ['-a -t 10.0.0.1:80 -r 10.0.1.14:8080 -g -w 3']).table, '-a -t 10.0.0.1:80 -r 10.0.1.14:8080 -g -w 3')).toBe(true);
  });

  it('gives a real server written without a port the service’s port (0 under a firewall mark)', () => {
    expect(dests(['-a -t 10.0.0.1:80 -r 10.0.1.13 -m -w 4', '-d -t 10.0.0.1:80 -r 10.0.1.11'])).toEqual({ '10.0.1.12:80': ['route', 50, 800, 600], '10.0.1.13:80': ['masq', 4, 0, 0] });
    expect(dests(['-a -f 5 -r 10.0.2.22 -m'], 'fwm:5')).toEqual({ '10.0.2.21:0': ['route', 3, 0, 0], '10.0.2.22:0': ['masq', 1, 0, 0] });
  });

  it('resets what an edit does not state: direct routing, weight 1, no thresholds', () => {
    expect(dests(['-e -t 10.0.0.1:80 -r 10.0.1.12:80'])['10.0.1.12:80']).toEqual(['route', 1, 0, 0]);
  });

  it('takes weights and thresholds up to INT_MAX; a value ipvsadm cannot read stops the batch there, the lines before stay applied', () => {
    expect(dests(['-e -t 10.0.0.1:80 -r 10.0.1.11:80 -m -w 2147483647 -x 2147483647 -y 65536'])['10.0.1.11:80']).toEqual(['masq', 2_147_483_647, 2_147_483_647, 65_536]);
    for (const [bad, reason] of [['-w 2147483648', 'illegal weight specified'], ['-w 1.5', 'illegal weight specified'], ['-x 2147483648', 'illegal u_threshold specified'], ['-y -1', 'illegal l_threshold specified']] as const) {
      const lines = ['-e -t 10.0.0.1:80 -r 10.0.1.11:80 -m -w 5', `-e -t 10.0.0.1:80 -r 10.0.1.12:80 -g ${bad}`, '-e -t 10.0.0.1:80 -r 10.0.1.12:80 -g -w 9', '-e -t 10.0.0.1:80 -r 10.0.1.99:80 -m'];
      expect(reasons(lines)).toEqual([
        ['syntax', reason],
        ['not-run', 'not run: ipvsadm -R stopped at the syntax error on line 2 of the batch'],
        ['not-run', 'not run: ipvsadm -R stopped at the syntax error on line 2 of the batch'],
      ]);
      expect(dests(lines)).toEqual({ '10.0.1.11:80': ['masq', 5, 0, 0], '10.0.1.12:80': ['route', 50, 800, 600] });
    }
  });

  it('a command it does not apply is refused on its own, and the batch goes on', () => {
    expect(reasons(['-E -t 10.0.0.1:80 -s rr', '-e -t 10.0.0.1:80 -r 10.0.1.11:80 -m -w 6'])).toEqual([['refused', '-E: not a command this table applies']]);
    expect(dests(['-E -t 10.0.0.1:80 -s rr', '-e -t 10.0.0.1:80 -r 10.0.1.11:80 -m -w 6'])['10.0.1.11:80']).toEqual(['masq', 6, 0, 0]);
  });
});
