// The protocol's fixed limits, which both sides must agree on.
import { deepFreeze } from './deep-freeze.js';

export const PROTOCOL = deepFreeze({
  /** Versions this build speaks; an agent and a director must share one. */
  // Typed as numbers, not the literal 1, so a peer's version can be looked up in it.
  versions: [1] as readonly number[],
  current: 1,
  /** Largest message either side accepts, in bytes (also the WebSocket maxPayload). */
  maxMessageBytes: 64 * 1024,
  /** Most metrics one report may carry. */
  maxMetrics: 256,
  /** Most plugins one report may describe. */
  maxPlugins: 64,
  /** Metric and plugin names: lower case, digits, underscore; usable as variables in weight expressions. */
  namePattern: /^[a-z][a-z0-9_]{0,63}$/,
  /** Longest free-text field (messages, CPU model, versions). */
  maxTextLength: 512,
  /** Report intervals a director may ask for, in ms. */
  minReportIntervalMs: 500,
  maxReportIntervalMs: 60_000,
});
