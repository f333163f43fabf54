// Which request class an arrival belongs to: classes drawn in proportion to their shares.
import type { RequestClass, RequestClasses } from './scenario-spec.js';

/** Turns a uniform draw from [0, 1) into a class: the first whose cumulative share passes draw × total share. */
export function classPicker(classes: RequestClasses): (draw: number) => RequestClass {
  const total = classes.reduce((a, c) => a + c.share, 0);
  return (draw) => {
    const u = draw * total;
    let upTo = 0;
    // The last class when rounding leaves the draw at the very end of the range.
    let chosen = classes[0];
    for (const c of classes) {
      upTo += c.share;
      chosen = c;
      if (u < upTo) break;
    }
    return chosen;
  };
}
