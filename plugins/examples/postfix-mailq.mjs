// lvs-feedback plugin: postfix queue depth per queue, by counting queue files (cheap: no process, no `mailq`).
//
// Metrics (with `name: mailq` in the agent config): mailq_incoming, mailq_active, mailq_deferred, mailq_hold,
// mailq_maildrop. A queue folder that does not exist is left out (absent, not 0).
// Options:  spool  the postfix queue directory (default /var/spool/postfix; `postconf -h queue_directory`).
// The queue folders are mode 0700 owned by postfix: the agent must run as root (it does as a systemd service).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

const QUEUES = ['incoming', 'active', 'deferred', 'hold', 'maildrop'];

/** Counts the files under `dir`, descending into subfolders (postfix hashes deferred/ into deferred/A/…). */
async function countFiles(dir, signal) {
  signal.throwIfAborted();
  let count = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) count += await countFiles(join(dir, entry.name), signal);
    else if (entry.isFile()) count += 1;
  }
  return count;
}

function reason(err) {
  if (err.code === 'EACCES') return 'permission denied (the agent must run as root to read the postfix queue)';
  return err.message;
}

export default {
  name: 'mailq',
  async collect(ctx) {
    const spool = String(ctx.options.spool ?? '/var/spool/postfix');
    const depth = {};
    let missing = 0;
    for (const queue of QUEUES) {
      try {
        depth[queue] = await countFiles(join(spool, queue), ctx.signal);
      } catch (err) {
        if (err.code === 'ENOENT') {
          missing += 1;
          continue;
        }
        if (err.name === 'AbortError' || err.name === 'PluginTimeoutError') throw err;
        throw new Error(`cannot read ${join(spool, queue)}: ${reason(err)}`);
      }
    }
    if (missing === QUEUES.length) {
      throw new Error(`no postfix spool at ${spool} (none of ${QUEUES.join(', ')} is there); set options.spool`);
    }
    return depth;
  },
};
