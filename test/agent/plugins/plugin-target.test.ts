// How `plugin test` names a plugin after its file and decides between a module and an executable.
import { describe, expect, it } from 'vitest';
import { pluginNameFromFile, specForTarget } from '../../../agent/plugins/plugin-target.js';
import { PROTOCOL } from '../../../shared/defaults.js';

describe('pluginNameFromFile', () => {
  it.each([
    ['plugins/examples/postfix-mailq.mjs', 'postfix_mailq'],
    ['/usr/lib/nagios/plugins/check_load', 'check_load'],
    ['./sockets-and-files.sh', 'sockets_and_files'],
    ['My Check.PY', 'my_check'],
    ['99-bottles.sh', 'p_99_bottles'],
    ['--.sh', 'p'],
    ['template.ts', 'template'],
    [`${'x'.repeat(100)}.sh`, 'x'.repeat(64)],
  ])('%s → %s', (file, name) => {
    expect(pluginNameFromFile(file)).toBe(name);
    expect(PROTOCOL.namePattern.test(name)).toBe(true);
  });
});

describe('specForTarget', () => {
  const opts = { name: 'p', options: { a: '1' }, timeoutMs: 700 };

  it('a module by extension, made absolute', () => {
    for (const ext of ['js', 'mjs', 'cjs', 'ts', 'mts', 'cts']) {
      const spec = specForTarget(`plugins/x.${ext}`, [], opts);
      expect(spec).toMatchObject({ kind: 'module', name: 'p', options: { a: '1' }, timeoutMs: 700 });
      expect(spec.kind === 'module' && spec.path.startsWith('/')).toBe(true);
    }
  });

  it('a path is an executable file made absolute; a bare word is a command on PATH', () => {
    expect(specForTarget('./x.sh', ['-v'], opts)).toMatchObject({ kind: 'exec', argv: [`${process.cwd()}/x.sh`, '-v'] });
    expect(specForTarget('echo', ['5'], opts)).toMatchObject({ kind: 'exec', argv: ['echo', '5'] });
    expect(specForTarget('package.json', [], opts)).toMatchObject({ kind: 'exec', argv: [`${process.cwd()}/package.json`] });
  });
});
