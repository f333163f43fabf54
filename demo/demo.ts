// `lvs-feedback demo`: a director (dry run) and three real agent processes on loopback, with a live table.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../shared/logging.js';
import { CLI_PATH } from '../shared/version.js';
import { directorConfigFromData } from '../director/config/load.js';
import { decisionLine } from '../director/core/explain.js';
import { startDirector } from '../director/director.js';
import { renderStatus } from '../director/status-view.js';
import { DEMO_AGENTS, DEMO_EXPRESSION, demoDirectorConfig, writeAgentConfigs, type DemoAgent } from './demo-setup.js';

interface Step {
  readonly at: number;
  readonly say: string;
  readonly load?: Partial<Record<DemoAgent, number>>;
  readonly stop?: DemoAgent;
  readonly start?: DemoAgent;
}

/** What happens when, in seconds from the start. */
const SCRIPT: readonly Step[] = [
  { at: 0, say: 'three agents connect; their first reports are held back for the 4 s blackout' },
  { at: 12, say: 'web2 gets busy (70 % load): its weight falls in damped steps', load: { web2: 70 } },
  { at: 30, say: 'web3’s agent stops: after 3 s without reports web3 is stale and goes back to its configured weight', stop: 'web3' },
  { at: 42, say: 'web2 is idle again and web3’s agent returns: blackout, then slow start', load: { web2: 0 }, start: 'web3' },
  { at: 60, say: 'all three busy (95 %): weights fall towards 5', load: { web1: 95, web2: 95, web3: 95 } },
];

export async function runDemo(durationS: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lvs-feedback-demo-'));
  const log = createLogger('director', 'silent');
  const config = directorConfigFromData(demoDirectorConfig(), 'demo', dir);
  const director = await startDirector(config, log);
  const agentFiles = writeAgentConfigs(dir, director.agentPort);
  const agents = new Map<DemoAgent, ChildProcess>();
  const startAgent = (id: DemoAgent): void => {
    const child = spawn(process.execPath, [CLI_PATH, 'agent', '--config', agentFiles[id]], { stdio: 'ignore' });
    agents.set(id, child);
  };
  const decisions: string[] = [];
  director.controller.on('decided', (r) => {
    for (const d of r.dests) if (d.weight !== d.weightBefore) decisions.push(decisionLine(d.service, d.destId, d.weightBefore, d.weight, d.reason));
    for (const e of r.events) decisions.push(e.message);
    decisions.splice(0, Math.max(0, decisions.length - 8));
  });
  const cleanup = async (): Promise<void> => {
    for (const a of agents.values()) a.kill('SIGTERM');
    await director.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  const tty = process.stdout.isTTY;
  const said: string[] = [];
  try {
    for (const id of DEMO_AGENTS) startAgent(id);
    const t0 = performance.now();
    let next = 0;
    for (;;) {
      const t = (performance.now() - t0) / 1000;
      if (t > durationS) break;
      for (let step = SCRIPT[next]; step !== undefined && step.at <= t; step = SCRIPT[++next]) {
        for (const [id, load] of Object.entries(step.load ?? {})) writeFileSync(join(dir, `${id}.load`), `${load}\n`);
        if (step.stop) agents.get(step.stop)?.kill('SIGTERM');
        if (step.start) startAgent(step.start);
        said.push(`${String(step.at).padStart(3)} s  ${step.say}`);
      }
      const screen = [
        `lvs-feedback demo — ${Math.floor(t)} s of ${durationS} s (Ctrl-C stops). Director in dry run; agents are real processes on loopback.`,
        `weight = ${DEMO_EXPRESSION}   (web1 reads this machine; web2/web3 loads come from the demo_load plugin)`,
        '',
        ...said,
        '',
        renderStatus(director.status()).trimEnd(),
        '',
        'recent decisions:',
        ...decisions.map((d) => `  ${d}`),
        '',
      ].join('\n');
      process.stdout.write(tty ? `\x1b[2J\x1b[H${screen}` : `${screen}\n`);
      await sleep(tty ? 1_000 : 5_000);
    }
  } finally {
    await cleanup();
  }
}
