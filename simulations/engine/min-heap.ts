// A binary min-heap ordered by a comparison, shared by the event queue and the servers' finishing order.

export class MinHeap<T extends object> {
  private items: T[] = [];

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  /** Sifts the new item up: parents that come after it move down into the hole it leaves. */
  push(item: T): void {
    const h = this.items;
    let i = h.length;
    h.push(item);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p];
      if (parent === undefined || !this.before(item, parent)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = item;
  }

  /** Takes the top; the last item sifts down from the root, the earlier of its children moving up past it. */
  pop(): T | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      let m = i;
      let smallest = last;
      const left = h[2 * i + 1];
      const right = h[2 * i + 2];
      if (left !== undefined && this.before(left, smallest)) {
        m = 2 * i + 1;
        smallest = left;
      }
      if (right !== undefined && this.before(right, smallest)) {
        m = 2 * i + 2;
        smallest = right;
      }
      if (m === i) break;
      h[i] = smallest;
      i = m;
    }
    h[i] = last;
    return top;
  }
}
