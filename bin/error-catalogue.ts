// The one catalogue of error codes: shared/'s (config, protocol), the agent's and the director's, joined for docs/errors.md.
import * as agentErrors from '../agent/errors.js';
import * as directorErrors from '../director/errors.js';
import * as sharedErrors from '../shared/errors.js';
import { LvsfError } from '../shared/errors.js';

/** Every code lvs-feedback raises, with its one-line meaning; each side owns its part. */
export const ERROR_CATALOGUE: Readonly<Record<string, string>> = Object.freeze({
  ...sharedErrors.SHARED_ERROR_CODES,
  ...agentErrors.AGENT_ERROR_CODES,
  ...directorErrors.DIRECTOR_ERROR_CODES,
});

/** Which part of the house owns each code: the module its error classes live in. */
export const ERROR_OWNERS = Object.freeze({
  'shared/errors.ts': { codes: sharedErrors.SHARED_ERROR_CODES, module: sharedErrors },
  'agent/errors.ts': { codes: agentErrors.AGENT_ERROR_CODES, module: agentErrors },
  'director/errors.ts': { codes: directorErrors.DIRECTOR_ERROR_CODES, module: directorErrors },
});

/** Every error class, from every side: a subclass of LvsfError with its static code. */
export function errorClasses(): { name: string; code: string; owner: string }[] {
  const out: { name: string; code: string; owner: string }[] = [];
  for (const [owner, { module }] of Object.entries(ERROR_OWNERS)) {
    for (const [name, value] of Object.entries(module)) {
      // A function whose prototype descends from LvsfError is one of its subclasses, which all carry a static code.
      if (typeof value === 'function' && value.prototype instanceof LvsfError) out.push({ name, code: (value as typeof LvsfError).code, owner });
    }
  }
  return out;
}
