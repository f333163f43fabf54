// lvs-feedback plugin used by the demo and its test: reports the synthetic load written in a file (0–100 % busy).
import { readFile } from 'node:fs/promises';

export default {
  name: 'demo_load',
  async collect(ctx) {
    const file = String(ctx.options.file ?? '');
    const busy = Number((await readFile(file, 'utf8')).trim());
    if (!Number.isFinite(busy) || busy < 0 || busy > 100) throw new Error(`${file} must hold a number from 0 to 100`);
    return { busy_pct: busy };
  },
};
