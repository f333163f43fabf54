// One deep freeze for every frozen thing: the defaults of each side and every validated config.

/**
 * Freezes an object and everything it holds, once (an already frozen object is left as it is, which also ends
 * cycles). RegExps are left unfrozen: matching with a global or sticky one writes its lastIndex.
 */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof RegExp) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
