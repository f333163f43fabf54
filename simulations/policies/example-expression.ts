// The expression of the example config's expression-mode service, as shipped, for the policy that runs it.
import { join } from 'node:path';
import { z } from 'zod';
import { loadConfigFile } from '../../shared/config-file.js';
import { ConfigInvalidError } from '../../shared/errors.js';
import { PACKAGE_ROOT } from '../../shared/version.js';

export const EXAMPLE_CONFIG = join(PACKAGE_ROOT, 'director', 'director.example.yaml');

/** Only the keys read here; the director's own loader checks the whole file. */
const servicesShape = z.object({
  services: z.array(z.object({ mode: z.string().optional(), expression: z.string().optional() })),
});

/** The first expression-mode service's expression; a typed config error when the file has none. */
export function exampleExpression(file = EXAMPLE_CONFIG): string {
  const { services } = loadConfigFile(servicesShape, file);
  const expression = services.find((s) => s.mode === 'expression')?.expression;
  if (expression === undefined) throw new ConfigInvalidError(file, 'services', 'no service in expression mode with an expression');
  return expression;
}
