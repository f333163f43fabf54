// What a weighting policy sees and decides in the model: the same reports and table view the live director gets.
import type { KernelView, ReceivedReport } from '../../director/core/observation.js';
import type { Scheduler } from '../model/ipvs-scheduler.js';

export interface PolicyInput {
  /** Model time, ms. */
  readonly now: number;
  /** Agent reports delivered since the previous decision. */
  readonly reports: readonly ReceivedReport[];
  /** The virtual service as the kernel would list it: destination ids `10.0.1.<i+1>:80`. */
  readonly kernel: KernelView;
}

export interface PolicyDecision {
  readonly weights: readonly number[];
  readonly thresholds?: readonly { readonly upper: number; readonly lower: number }[];
  /** The sorry server should take new connections nobody else can. */
  readonly sorry?: boolean;
}

export interface Policy {
  readonly name: string;
  /** How IPVS picks among the weights; 'oracle' bypasses IPVS with perfect, instant knowledge. */
  readonly scheduler: Scheduler | 'oracle';
  /** The weights before the first decision. */
  initialWeights(servers: number): number[];
  /** Called once per control interval; undefined keeps everything as it is. */
  decide(input: PolicyInput): PolicyDecision | undefined;
}

/** The model's names for servers, shared by the cluster, the kernel view and the director core's config. */
export const SERVICE_ID = 'tcp:10.0.0.1:80';
export const destId = (i: number): string => `10.0.1.${i + 1}:80`;
export const agentId = (i: number): string => `s${i}`;
