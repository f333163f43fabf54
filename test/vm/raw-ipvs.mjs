// Reads ipvsadm's own text (-Sn, -Ln --thresholds --exact) with small regexes of its own, so the real-kernel tests judge
// the kernel without the director's parsers: a bug there cannot hide itself. Plain JS: the guest's node runs it as is.

const SAVE_SERVICE = /^-A (-t|-u|-f|--sctp-service) (\S+) -s (\S+)((?: \S+)*)$/;
const SAVE_DEST = /^-a (-t|-u|-f|--sctp-service) (\S+) -r (\S+) (-m|-g|-i) -w (\d+)( --tun-type ipip)?$/;
const METHOD = { '-m': 'masq', '-g': 'route', '-i': 'tunnel' };

const LIST_VERSION = /^IP Virtual Server version \S+ \(size=\d+\)$/;
const LIST_COLUMNS = /^Prot LocalAddress:Port +Uthreshold +Lthreshold +ActiveConn +InActConn *$/;
const LIST_DEST_HEADER = /^ {2}-> RemoteAddress:Port *$/;
const LIST_SERVICE = /^(TCP|UDP|SCTP|FWM) {2}(\S+) (\S+)/;
const LIST_DEST = /^ {2}-> (\S+) +(\d+) +(\d+) +(\d+) +(\d+) *$/;
const FLAG = { TCP: '-t', UDP: '-u', SCTP: '--sctp-service', FWM: '-f' };

/** `ipvsadm -Sn` → service ("-t 10.0.0.1:80", "-f 5") → scheduler, other options, dest ("10.0.1.11:80") → method, weight. */
export function readSave(text) {
  const services = {};
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const s = SAVE_SERVICE.exec(line);
    if (s) {
      services[`${s[1]} ${s[2]}`] = { scheduler: s[3], options: s[4].trim(), dests: {} };
      continue;
    }
    const d = SAVE_DEST.exec(line);
    const service = d && services[`${d[1]} ${d[2]}`];
    if (!service || (d[6] !== undefined) !== (d[4] === '-i')) throw new Error(`ipvsadm -Sn: unexpected line: ${line}`);
    service.dests[d[3]] = { method: METHOD[d[4]], weight: Number(d[5]) };
  }
  return services;
}

/** `ipvsadm -Ln --thresholds --exact` → service → dest → upper, lower, active and inactive connections. */
export function readThresholds(text) {
  const services = {};
  let current;
  let columns = false;
  for (const line of text.split('\n')) {
    if (line === '' || LIST_VERSION.test(line) || LIST_DEST_HEADER.test(line)) continue;
    if (LIST_COLUMNS.test(line)) {
      columns = true;
      continue;
    }
    const s = LIST_SERVICE.exec(line);
    if (s && columns) {
      current = services[`${FLAG[s[1]]} ${s[2]}`] = {};
      continue;
    }
    const d = LIST_DEST.exec(line);
    if (!d || !current) throw new Error(`ipvsadm -Ln --thresholds --exact: unexpected line: ${line}`);
    current[d[1]] = { upper: Number(d[2]), lower: Number(d[3]), active: Number(d[4]), inactive: Number(d[5]) };
  }
  return services;
}

/** Both listings, taken one right after the other, as one table; throws when they do not name the same destinations. */
export function readTable(save, thresholds) {
  const saved = readSave(save);
  const limits = readThresholds(thresholds);
  const names = (o) => JSON.stringify(Object.keys(o).sort());
  if (names(saved) !== names(limits)) throw new Error(`the listings disagree on the services: ${names(saved)} / ${names(limits)}`);
  const table = {};
  for (const [key, s] of Object.entries(saved)) {
    if (names(s.dests) !== names(limits[key])) throw new Error(`the listings disagree on the destinations of ${key}`);
    const dests = {};
    for (const [dest, d] of Object.entries(s.dests)) dests[dest] = { ...d, ...limits[key][dest] };
    table[key] = { scheduler: s.scheduler, options: s.options, dests };
  }
  return table;
}
