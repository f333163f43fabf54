// The rooms of the house and which way imports may run between them: shared/ at the bottom, bin/ on top.
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSource, sourceFiles } from '../helpers/paths.js';

/** Every relative module a file imports (static, re-export and dynamic), as a path from the repository root. */
function importsOf(file: string): string[] {
  const text = readSource(file);
  const specs = [
    ...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s*'(\.{1,2}\/[^']+)'/gm),
    ...text.matchAll(/^\s*import\s*'(\.{1,2}\/[^']+)'/gm),
    ...text.matchAll(/\bimport\(\s*'(\.{1,2}\/[^']+)'\s*\)/g),
  ].map((m) => m[1] ?? '');
  return specs.map((s) => normalize(join(dirname(file), s)).replace(/\.js$/, '.ts'));
}

const EDGES = sourceFiles().flatMap((from) => importsOf(from).map((to) => ({ from, to })));
const under = (path: string, folder: string): boolean => path === folder || path.startsWith(`${folder}/`);

/** Imports from files under `from` into files under any of `forbidden`, except those `allowed`. */
function crossing(from: string, forbidden: string[], allowed: (to: string) => boolean = () => false): string[] {
  return EDGES.filter((e) => under(e.from, from) && forbidden.some((f) => under(e.to, f)) && !allowed(e.to)).map((e) => `${e.from} → ${e.to}`);
}

describe('the house', () => {
  it('reads imports at all (a rule over no edges proves nothing)', () => {
    expect(EDGES.length).toBeGreaterThan(200);
    expect(EDGES).toContainEqual({ from: 'bin/lvs-feedback.ts', to: 'agent/cli.ts' });
  });

  it('shared/ imports nothing from the sides, the simulations, the demo or the CLI', () => {
    expect(crossing('shared', ['agent', 'director', 'simulations', 'demo', 'bin'])).toEqual([]);
  });

  it('the agent never imports the director (least of all its kernel-facing code), the simulations, the demo or the CLI', () => {
    expect(crossing('agent', ['director', 'simulations', 'demo', 'bin'])).toEqual([]);
  });

  it('the director never imports the agent, the simulations, the demo or the CLI', () => {
    expect(crossing('director', ['agent', 'simulations', 'demo', 'bin'])).toEqual([]);
  });

  it('the IPVS mechanism holds no policy: director/kernel/ipvs/ imports nothing of the core, the agents server or the config', () => {
    const policy = ['director/core', 'director/agents', 'director/config', 'director/config.ts', 'director/controller.ts', 'director/kernel/kernel-table.ts'];
    expect(crossing('director/kernel/ipvs', policy)).toEqual([]);
  });

  it('the decision core is pure: it imports no I/O and, of the kernel side, only its vocabulary', () => {
    expect(crossing('director/core', ['director/kernel', 'director/agents', 'director/config', 'director/config.ts', 'director/controller.ts'], (to) => to === 'director/kernel/ipvs/names.ts')).toEqual([]);
    const io = /from\s*'node:(fs|fs\/promises|child_process|net|http|https|dgram|worker_threads|timers|timers\/promises)'/;
    expect(sourceFiles().filter((f) => under(f, 'director/core') && io.test(readSource(f)))).toEqual([]);
    expect(sourceFiles().filter((f) => under(f, 'director/core') && /\b(Date\.now|setTimeout|setInterval|performance\.now)\(/.test(readSource(f)))).toEqual([]);
  });

  it('the simulations drive the very core the director runs, and nothing that touches the kernel or the network', () => {
    expect(crossing('simulations', ['director/kernel', 'director/agents', 'director/controller.ts', 'director/director.ts', 'agent', 'demo', 'bin'], (to) => to === 'director/kernel/ipvs/names.ts')).toEqual([]);
    expect(EDGES.some((e) => under(e.from, 'simulations') && under(e.to, 'director/core'))).toBe(true);
  });

  it('only the CLI and the demo bring the sides together', () => {
    const both = sourceFiles().filter((f) => {
      const to = importsOf(f);
      return to.some((t) => under(t, 'agent')) && to.some((t) => under(t, 'director'));
    });
    expect(both.every((f) => under(f, 'bin') || under(f, 'demo'))).toBe(true);
  });
});
