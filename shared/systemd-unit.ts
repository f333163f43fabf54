// The systemd service units lvs-feedback installs, rendered from one template so agent and director units agree.
import { EXIT_CONFIG } from './exit.js';

export interface UnitOptions {
  readonly description: string;
  /** Absolute program and arguments. */
  readonly execStart: readonly string[];
  /** Extra [Service] lines, e.g. capabilities the director needs. */
  readonly extraService?: readonly string[];
}

/** Quotes one argument for an ExecStart= line. */
function quote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `"${arg.replace(/(["\\])/g, '\\$1')}"`;
}

export function renderUnit(opts: UnitOptions): string {
  return [
    '# Installed by lvs-feedback; `systemctl edit` to override rather than editing this file.',
    '[Unit]',
    `Description=${opts.description}`,
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${opts.execStart.map(quote).join(' ')}`,
    'Restart=always',
    'RestartSec=2s',
    `# Exit status ${EXIT_CONFIG} means a bad config: restarting would not help, the journal says which key.`,
    `RestartPreventExitStatus=${EXIT_CONFIG}`,
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    'ProtectHome=read-only',
    'PrivateTmp=yes',
    ...(opts.extraService ?? []),
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}
