// `lvs-feedback agent --once` end to end: the shipped command on a fixture proc root, compared with a golden file.
//
// The command runs with test/fixtures/agent/once-web-80.yaml (the web-80 proc root, two plugins) and its JSON is
// compared, after normalising, with test/fixtures/agent/once-web-80.json. Normalised, because they depend on the
// machine or the moment and not on the proc root: host.hostname (this machine's name), report.ts (the wall clock),
// report.intervalMs (the time the run took; checked to be at least the configured 500 ms), and each plugin status's
// durationMs and ageMs (checked to be non-negative numbers). Everything else, sample counts included, is exact.
// To rewrite the golden file after an intended change: LVSF_UPDATE_GOLDEN=1 npx vitest run test/agent/once.test.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../helpers/paths.js';
import { runCli } from '../helpers/processes.js';

const CONFIG = fixturePath('agent', 'once-web-80.yaml');
const GOLDEN = fixturePath('agent', 'once-web-80.json');
const REPORT_INTERVAL_MS = 500;

interface OncePrinted {
  host: Record<string, unknown>;
  report: { ts: unknown; intervalMs: unknown; plugins: Record<string, Record<string, unknown>> };
}

/** Replaces the machine- and moment-dependent fields by placeholders, after checking them. */
function normalise(printed: OncePrinted): OncePrinted {
  expect(typeof printed.host.hostname).toBe('string');
  printed.host.hostname = '<hostname>';
  expect(printed.report.ts).toEqual(expect.any(Number));
  printed.report.ts = '<ts>';
  expect(printed.report.intervalMs).toBeGreaterThanOrEqual(REPORT_INTERVAL_MS);
  printed.report.intervalMs = '<intervalMs>';
  for (const status of Object.values(printed.report.plugins)) {
    for (const key of ['durationMs', 'ageMs']) {
      expect(status[key], key).toBeGreaterThanOrEqual(0);
      status[key] = `<${key}>`;
    }
  }
  return printed;
}

describe('agent --once', () => {
  it('prints the report of a fixture proc root and its plugins, as in the golden file', async () => {
    const r = await runCli(['agent', '--once', '--config', CONFIG]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const actual = normalise(JSON.parse(r.stdout) as OncePrinted);
    if (process.env.LVSF_UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 2)}\n`);
    expect(actual).toEqual(JSON.parse(readFileSync(GOLDEN, 'utf8')));
  });
});
