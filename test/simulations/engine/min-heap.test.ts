// The heap that orders the model's events and finishing jobs: pops come out in comparison order, ties included.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinHeap } from '../../../simulations/engine/min-heap.js';

interface Item {
  readonly key: number;
  readonly id: number;
}

describe('MinHeap', () => {
  it('pops every pushed item, smallest key first, under any mix of pushes and pops', () => {
    // A number: push it as the next item's key; false: pop.
    const ops = fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(false)), { maxLength: 300 });
    fc.assert(
      fc.property(ops, (steps) => {
        const heap = new MinHeap<Item>((a, b) => a.key < b.key);
        const held: Item[] = [];
        steps.forEach((step, id) => {
          if (step === false) {
            const got = heap.pop();
            const least = held.reduce<Item | undefined>((m, x) => (m === undefined || x.key < m.key ? x : m), undefined);
            expect(got?.key).toBe(least?.key);
            if (got) held.splice(held.indexOf(got), 1);
          } else {
            const item = { key: step, id };
            heap.push(item);
            held.push(item);
          }
          expect(heap.size).toBe(held.length);
          expect(heap.peek()?.key).toBe(held.length === 0 ? undefined : Math.min(...held.map((x) => x.key)));
        });
      }),
    );
  });

  it('with a tie-break in the comparison (as the event queue has), pops in exactly the sorted order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 200 }), (keys) => {
        const heap = new MinHeap<Item>((a, b) => a.key < b.key || (a.key === b.key && a.id < b.id));
        keys.forEach((key, id) => heap.push({ key, id }));
        const popped: number[] = [];
        for (let x = heap.pop(); x; x = heap.pop()) popped.push(x.id);
        const sorted = keys.map((key, id) => ({ key, id })).sort((a, b) => a.key - b.key || a.id - b.id);
        expect(popped).toEqual(sorted.map((x) => x.id));
      }),
    );
  });
});
