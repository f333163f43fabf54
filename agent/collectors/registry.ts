// The one list of built-in collectors; the agent samples every one of them, each isolated from the others.
import type { Collector, CollectorContext, CollectorFactory } from './collector.js';
import { cpuCollector } from './cpu.js';
import { memoryCollector } from './memory.js';
import { runQueueCollector } from './run-queue.js';
import { socketsCollector } from './sockets.js';
import { swapCollector } from './swap.js';
import { tcpRateCollector } from './tcp-rate.js';

export const COLLECTOR_FACTORIES: readonly CollectorFactory[] = [cpuCollector, memoryCollector, (ctx) => swapCollector(ctx), runQueueCollector, socketsCollector, (ctx) => tcpRateCollector(ctx)];

export function createCollectors(ctx: CollectorContext): Collector[] {
  return COLLECTOR_FACTORIES.map((make) => make(ctx));
}
