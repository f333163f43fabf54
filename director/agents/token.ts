// Agent token comparison in constant time, so response timing tells an attacker nothing about the expected token.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** True when `given` equals `expected`; hashing first makes lengths equal without leaking the expected length. */
export function tokensMatch(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}
