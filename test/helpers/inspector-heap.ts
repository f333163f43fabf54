// The heap a live Node process holds after a full garbage collection, asked over its inspector (started with --inspect).
import WebSocket from 'ws';

/** Node options that open the inspector on a loopback port of the system's choice; its address is printed on stderr. */
export const INSPECT_OPTIONS = '--inspect=127.0.0.1:0';
export const INSPECTOR_URL = /Debugger listening on (ws:\/\/\S+)/;

/**
 * Bytes of the process's JavaScript heap in use right after a full collection: what it really keeps. The inspector
 * session lasts only as long as the question: a process that crashes with a debugger attached waits for it instead of
 * exiting.
 */
export async function heapUsedAfterGc(url: string): Promise<number> {
  const probe = await HeapProbe.connect(url);
  try {
    return await probe.usedAfterGc();
  } finally {
    probe.close();
  }
}

class HeapProbe {
  private id = 0;
  private readonly waiting = new Map<number, (result: unknown) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { id?: number; result?: unknown };
      if (msg.id !== undefined) this.waiting.get(msg.id)?.(msg.result);
    });
  }

  static async connect(url: string): Promise<HeapProbe> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new HeapProbe(ws);
  }

  async usedAfterGc(): Promise<number> {
    await this.call('HeapProfiler.collectGarbage');
    const usage = (await this.call('Runtime.getHeapUsage')) as { usedSize: number };
    return usage.usedSize;
  }

  close(): void {
    this.ws.close();
  }

  private call(method: string): Promise<unknown> {
    const id = ++this.id;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method}: no answer within 30 s`)), 30_000);
      this.waiting.set(id, (result) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(result);
      });
      this.ws.send(JSON.stringify({ id, method }));
    });
  }
}
