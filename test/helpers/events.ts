// Waits for the next event of an emitter that satisfies a condition, with a deadline instead of a sleep.
import type { EventEmitter } from 'node:events';

export function nextEvent<A extends unknown[]>(
  emitter: EventEmitter,
  event: string,
  accept: (...args: A) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<A> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`no matching '${event}' within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (...args: unknown[]): void => {
      if (!accept(...(args as A))) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(args as A);
    };
    emitter.on(event, listener);
  });
}
