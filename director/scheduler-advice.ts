// Which IPVS scheduler to run beside lvs-feedback's weights, by the shape of the traffic (from simulations/results).

/** What the admin knows of a service's traffic. */
export interface TrafficShape {
  /** UDP with one-packet scheduling (-o): every datagram scheduled on its own, no connection outlives it. */
  readonly onePacket?: boolean;
  /** Directors forwarding the service at once (active/active, e.g. ECMP in front): each schedules on its own counts. */
  readonly activeDirectors?: number;
  /** Clients' round trip as long as a request or longer: a connection sits in SYN_RECV, counted inactive, meanwhile. */
  readonly farClients?: boolean;
}

export type AdvisedScheduler = 'nq' | 'sed' | 'wrr';

/**
 * The scheduler for a shape, and why. nq by default (an idle server first, else shortest expected delay); sed where
 * nq's "idle first" misleads: another director's connections or handshakes in flight are invisible in this
 * director's ActiveConn, so a server looks idle that is not; wrr under -o, where every server always looks idle.
 */
export function adviseScheduler(shape: TrafficShape): { scheduler: AdvisedScheduler; why: string } {
  if (shape.onePacket) return { scheduler: 'wrr', why: 'one-packet scheduling: no connection outlives its datagram, so only the weights can spread them' };
  if ((shape.activeDirectors ?? 1) > 1) return { scheduler: 'sed', why: "active/active directors: each sees only its own connections, so nq's idle-first rule floods a server the other director keeps busy" };
  if (shape.farClients) return { scheduler: 'sed', why: "distant clients: connections in SYN_RECV count as inactive, so nq's idle-first rule floods a server with handshakes" };
  return { scheduler: 'nq', why: 'an idle server first, else the shortest expected delay by weight' };
}
