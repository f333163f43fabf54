// Connects the decision core to an IPVS driver: the table as the core sees it, and decisions as ipvsadm lines.
import { DIRECTOR_DEFAULTS } from '../defaults.js';
import type { ServiceSettings } from '../core/core-config.js';
import type { DestDecision, ServiceDecision } from '../core/decisions.js';
import type { KernelDest, KernelView } from '../core/observation.js';
import type { DirectorConfig } from '../config/director-config.js';
import type { IpvsDriver } from './ipvs/driver.js';
import { emptyTable, type IpvsTable, type Service } from './ipvs/model.js';
import { destIdOf } from './ipvs/names.js';
import { addDestLine, addServiceLine, deleteDestLine, editLine } from './ipvs/render.js';

export function kernelView(table: IpvsTable): KernelView {
  const services: Record<string, Record<string, KernelDest>> = {};
  for (const [id, s] of table.services) {
    const dests: Record<string, KernelDest> = {};
    for (const [did, d] of s.dests) {
      dests[did] = {
        weight: d.weight,
        upper: d.upper,
        lower: d.lower,
        ...(d.activeConns !== undefined ? { activeConns: d.activeConns } : {}),
        ...(d.inactiveConns !== undefined ? { inactiveConns: d.inactiveConns } : {}),
        ...(d.cps !== undefined ? { cps: d.cps } : {}),
        ...(d.conns !== undefined ? { conns: d.conns } : {}),
      };
    }
    services[id] = dests;
  }
  return { services };
}

/**
 * The table a dry run starts from: every configured service with its real servers at their configured weights, as if
 * a health checker had set them up.
 */
export function configuredTable(config: DirectorConfig): IpvsTable {
  const services = new Map<string, Service>();
  for (const svc of config.core.services) {
    const dests = new Map(svc.realServers.map((rs) => [rs.id, { address: rs.address, port: rs.port, method: rs.method, weight: rs.baseWeight, upper: rs.thresholds.upper, lower: rs.thresholds.lower }]));
    services.set(svc.serviceId, { ...svc.ref, id: svc.serviceId, scheduler: config.createServices.get(svc.serviceId) ?? DIRECTOR_DEFAULTS.service.scheduler, options: [], dests });
  }
  return { services };
}

export interface WriteOutcome {
  /** Edit lines that reached the kernel (verified by reading back). */
  readonly applied: readonly string[];
  /** Edits that did not land, with why. */
  readonly failed: readonly { readonly line: string; readonly reason: string }[];
}

/**
 * The director's one door to the kernel's table: reads it as the core's KernelView, and writes the core's decisions
 * as complete ipvsadm edit lines through a driver (ipvsadm, or the dry run in memory).
 */
export class KernelTable {
  readonly description: string;
  private last: IpvsTable = emptyTable();

  constructor(
    private readonly config: DirectorConfig,
    private readonly driver: IpvsDriver,
  ) {
    this.description = driver.description;
  }

  /** The table as last read (or as read back after the last write): services with their options, destinations. */
  get lastTable(): IpvsTable {
    return this.last;
  }

  async read(): Promise<KernelView> {
    this.last = await this.driver.read();
    return kernelView(this.last);
  }

  /** The lines that carry out these decisions against the table last read; empty when nothing changes. */
  plan(dests: readonly DestDecision[], services: readonly ServiceDecision[]): string[] {
    const lines: string[] = [];
    for (const svc of this.config.core.services) {
      const live = this.last.services.get(svc.serviceId);
      const ref = svc.ref;
      if (!live) {
        const scheduler = this.config.createServices.get(svc.serviceId);
        if (scheduler !== undefined) {
          lines.push(addServiceLine(ref, scheduler));
          for (const rs of svc.realServers) lines.push(addDestLine(ref, { address: rs.address, port: rs.port, method: rs.method, weight: rs.baseWeight, upper: rs.thresholds.upper, lower: rs.thresholds.lower }));
        }
        continue;
      }
      const owned = new Map(svc.realServers.map((rs) => [rs.id, rs.thresholds.owned]));
      for (const d of dests) {
        if (d.service !== svc.name || !d.changed || !d.present) continue;
        const have = live.dests.get(d.destId);
        if (!have) continue; // removed by someone else meanwhile: never re-added
        // An edit restates every field, or ipvsadm resets it (the method to -g, thresholds to 0): the method, and the
        // thresholds lvs-feedback does not own, stay exactly what the kernel has.
        const th = owned.get(d.destId) === true ? d : have;
        lines.push(editLine(ref, { address: have.address, port: have.port, method: have.method, weight: d.weight, upper: th.upper, lower: th.lower }));
      }
      const wanted = new Set((services.find((s) => s.service === svc.name)?.sorryServers ?? []).map((s) => s.id));
      for (const sorry of svc.sorryServers) {
        const present = live.dests.has(destIdOf(sorry));
        if (wanted.has(sorry.id) && !present) lines.push(addDestLine(ref, { ...sorry, upper: 0, lower: 0 }));
        if (!wanted.has(sorry.id) && present) lines.push(deleteDestLine(ref, sorry));
      }
    }
    return lines;
  }

  async write(dests: readonly DestDecision[], services: readonly ServiceDecision[]): Promise<WriteOutcome> {
    const lines = this.plan(dests, services);
    if (lines.length === 0) return { applied: [], failed: [] };
    const r = await this.driver.apply(lines);
    this.last = r.table;
    return { applied: r.applied, failed: r.failed };
  }

  async restore(dests: readonly DestDecision[]): Promise<WriteOutcome> {
    return this.write(dests, this.config.core.services.map((s) => ({ service: s.name, serviceId: s.serviceId, sorryActive: false, sorryServers: [], alarm: false })));
  }
}
