// Which controlled UDP services schedule every datagram (-o) with a scheduler that counts connections, and so see no load.
import type { ServiceSettings } from '../core/core-config.js';
import { OnePacketSchedulerWarning } from '../errors.js';
import { adviseScheduler } from '../scheduler-advice.js';
import type { IpvsTable, Service } from './ipvs/model.js';
import { serviceArgs, serviceRefOf } from './ipvs/names.js';

/** Schedulers that spread by weight alone: the only ones that see anything when no connection outlives its packet. */
const WEIGHT_ONLY = new Set(['rr', 'wrr']);

/** True when the kernel schedules each of the service's datagrams on its own (ipvsadm -o / --ops). */
export function isOnePacket(svc: Service): boolean {
  return svc.options.includes('-o') || svc.options.includes('--ops');
}

export interface OnePacketFinding {
  readonly code: 'ONE_PACKET_SCHEDULER';
  readonly service: string;
  readonly serviceId: string;
  readonly message: string;
}

/**
 * Under -o a datagram's connection entry is freed as soon as the datagram is forwarded: at the next one every server
 * has 0 active and 0 inactive connections. wlc and nq then take the first in the kernel's list (the destination added
 * last), sed the heaviest (test/vm/one-packet.vm.test.ts counts it on a real kernel). Only rr and wrr spread them.
 */
export function onePacketFindings(services: readonly ServiceSettings[], table: IpvsTable): OnePacketFinding[] {
  const out: OnePacketFinding[] = [];
  for (const svc of services) {
    const live = table.services.get(svc.serviceId);
    if (live === undefined || !isOnePacket(live) || WEIGHT_ONLY.has(live.scheduler)) continue;
    const warning = new OnePacketSchedulerWarning(
      svc.name,
      svc.serviceId,
      `${svc.name} (${svc.serviceId}) schedules every datagram on its own (-o) under ${live.scheduler}, which counts connections: none outlives its datagram, so every server looks idle and ${live.scheduler === 'sed' ? 'the heaviest weight' : 'one server (the last added)'} gets nearly all of them; fix: ipvsadm -E ${serviceArgs(serviceRefOf(live)).join(' ')} -s ${adviseScheduler({ onePacket: true }).scheduler} -o (lvs-feedback's weights then share the datagrams)`,
    );
    out.push({ code: 'ONE_PACKET_SCHEDULER', service: svc.name, serviceId: svc.serviceId, message: warning.message });
  }
  return out;
}
