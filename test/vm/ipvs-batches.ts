// Random ipvsadm -R batches over a small known table: the lines the director writes (-A/-a/-e/-d restating method,
// weight and thresholds), the variants ipvsadm also takes, lines the kernel refuses, and now and then a syntax error.
import fc from 'fast-check';
import { METHODS, type DestRef, type ServiceRef } from '../../director/kernel/ipvs/names.js';
import { addDestLine, addServiceLine, deleteDestLine, editLine } from '../../director/kernel/ipvs/render.js';

/** The table every batch starts from (loaded with one ipvsadm -R; -C clears what the batch before left). */
export const START_LINES = [
  '-A -t 10.0.0.1:80 -s wrr',
  '-a -t 10.0.0.1:80 -r 10.0.1.11:80 -m -w 100 -x 0 -y 0',
  '-a -t 10.0.0.1:80 -r 10.0.1.12:80 -m -w 50 -x 800 -y 600',
  '-a -t 10.0.0.1:80 -r 10.0.1.13:80 -g -w 0 -x 0 -y 0',
  '-A -u 10.0.0.1:53 -s rr',
  '-a -u 10.0.0.1:53 -r 10.0.1.11:5353 -m -w 1 -x 0 -y 0',
  '-A -f 5 -s wlc',
  '-a -f 5 -r 10.0.2.21:0 -g -w 3 -x 0 -y 0',
  '-a -f 5 -r 10.0.2.22:0 -i -w 2 -x 10 -y 0',
  '-A -t [2001:db8::1]:80 -s nq -p 300',
  '-a -t [2001:db8::1]:80 -r [2001:db8::11]:80 -m -w 7 -x 0 -y 0',
];

/**
 * The services a batch may name (the last two are not in the start table) and the real-server spellings it may use:
 * the service's own port, another port (kept for masq, forced to the service's for route and tunnel), no port at all.
 */
const SERVICES: readonly { readonly spec: string; readonly reals: readonly string[] }[] = [
  { spec: '-t 10.0.0.1:80', reals: ['10.0.1.11:80', '10.0.1.12:80', '10.0.1.13:80', '10.0.1.14:80', '10.0.1.11:8080', '10.0.1.14'] },
  { spec: '-u 10.0.0.1:53', reals: ['10.0.1.11:5353', '10.0.1.11:53', '10.0.1.12:53', '10.0.1.12'] },
  { spec: '-f 5', reals: ['10.0.2.21:0', '10.0.2.22:0', '10.0.2.23:8080', '10.0.2.23'] },
  { spec: '-t [2001:db8::1]:80', reals: ['[2001:db8::11]:80', '[2001:db8::12]:80', '[2001:db8::12]:8080'] },
  { spec: '-t 10.0.0.2:80', reals: ['10.0.1.11:80', '10.0.1.12:80'] },
  { spec: '-f 9', reals: ['10.0.2.21:0', '10.0.2.22'] },
];

/** A service to name: mostly one in the table (the absent ones draw "Service not defined"), for -A mostly a new one. */
const existingFirst = fc.oneof(...SERVICES.map((s, i) => ({ weight: i < 4 ? 3 : 1, arbitrary: fc.constant(s) })));
const absentFirst = fc.oneof(...SERVICES.map((s, i) => ({ weight: i < 4 ? 1 : 3, arbitrary: fc.constant(s) })));

const weight = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0, 1, 65_535) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 65_535 }) },
  { weight: 1, arbitrary: fc.constantFrom(65_536, 2_147_483_647) },
);
const threshold = fc.oneof(
  { weight: 3, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom(600, 800, 2_147_483_647) },
);
/** Values ipvsadm itself rejects (out of range, negative, not a whole number): it stops the whole batch there. */
const syntaxError = fc.constantFrom({ weight: '2147483648' }, { weight: '1.5' }, { upper: '2147483648' }, { lower: '-1' });

/** `arb`, or (one time in `oneIn`) nothing. */
const option = <T>(arb: fc.Arbitrary<T>, oneIn: number) => fc.option(arb, { freq: oneIn, nil: undefined });
/** Rarely `arb` (one time in `oneIn`), mostly nothing. */
const rarely = <T>(arb: fc.Arbitrary<T>, oneIn: number) => fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

const destLine = (command: '-a' | '-e') =>
  fc
    .record({
      service: existingFirst,
      pick: fc.nat(),
      method: fc.constantFrom('-m', '-m', '-g', '-i', ''),
      weight: option(weight, 8),
      upper: option(threshold, 3),
      lower: option(threshold, 2),
      broken: rarely(syntaxError, 50),
    })
    .map(({ service, pick, method, broken, ...values }) => {
      const v = { ...values, ...broken };
      return [command, service.spec, '-r', service.reals[pick % service.reals.length]!, method, v.weight === undefined ? '' : `-w ${v.weight}`, v.upper === undefined ? '' : `-x ${v.upper}`, v.lower === undefined ? '' : `-y ${v.lower}`]
        .filter((t) => t !== '')
        .join(' ');
    });

const deleteLine = fc
  .record({ service: existingFirst, pick: fc.nat() })
  .map(({ service, pick }) => `-d ${service.spec} -r ${service.reals[pick % service.reals.length]!}`);

const addAnyService = fc
  .record({ service: absentFirst, scheduler: fc.constantFrom('rr', 'wrr', 'wlc', 'lc', 'sed', 'nq'), persistent: fc.boolean() })
  .map(({ service, scheduler, persistent }) => `-A ${service.spec} -s ${scheduler}${persistent ? ' -p 300' : ''}`);

/** The services and destinations the director's own lines name (the round trips of plan-apply.test.ts write these). */
const DIRECTOR_TARGETS: readonly { readonly ref: ServiceRef; readonly dests: readonly DestRef[] }[] = [
  { ref: { protocol: 'tcp', address: '10.0.0.1', port: 80 }, dests: [11, 12, 13, 14].map((n) => ({ address: `10.0.1.${n}`, port: 80 })) },
  { ref: { protocol: 'udp', address: '10.0.0.1', port: 53 }, dests: [{ address: '10.0.1.11', port: 5353 }, { address: '10.0.1.12', port: 53 }] },
  { ref: { protocol: 'fwm', fwmark: 5 }, dests: [21, 22, 23].map((n) => ({ address: `10.0.2.${n}`, port: 0 })) },
  { ref: { protocol: 'tcp', address: '10.0.0.2', port: 80 }, dests: [{ address: '10.0.1.11', port: 80 }] },
];

/** Lines exactly as the director renders them: edits, sorry servers added and removed, services created. */
const directorLine = fc
  .record({
    target: fc.oneof(...DIRECTOR_TARGETS.map((t, i) => ({ weight: i < 3 ? 3 : 1, arbitrary: fc.constant(t) }))),
    pick: fc.nat(),
    kind: fc.constantFrom('edit', 'edit', 'edit', 'add', 'delete', 'service'),
    method: fc.constantFrom(...METHODS),
    weight: fc.integer({ min: 0, max: 65_535 }),
    // Mostly what the core writes (lower at most upper), sometimes not (the kernel refuses those).
    thresholds: fc.oneof(
      { weight: 4, arbitrary: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5_000 })).chain((x) => fc.tuple(fc.constant(x), fc.integer({ min: 0, max: x }))) },
      { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 5_000 })) },
    ),
    scheduler: fc.constantFrom('wlc', 'wrr'),
  })
  .map(({ target, pick, kind, method, weight: w, thresholds: [upper, lower], scheduler }) => {
    const dest = { ...target.dests[pick % target.dests.length]!, method, weight: w, upper, lower };
    if (kind === 'service') return addServiceLine(target.ref, scheduler);
    if (kind === 'delete') return deleteDestLine(target.ref, dest);
    return (kind === 'add' ? addDestLine : editLine)(target.ref, dest);
  });

export const line = fc.oneof(
  { weight: 8, arbitrary: directorLine },
  { weight: 2, arbitrary: addAnyService },
  { weight: 5, arbitrary: destLine('-a') },
  { weight: 6, arbitrary: destLine('-e') },
  { weight: 3, arbitrary: deleteLine },
);

/** One batch: what the director sends to one ipvsadm -R. */
export const batch = fc.array(line, { minLength: 1, maxLength: 12 });
