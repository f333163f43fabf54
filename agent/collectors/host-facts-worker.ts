// Runs systeminformation in a short-lived worker thread, so the library's memory leaves with the worker.
import { parentPort } from 'node:worker_threads';
import si from 'systeminformation';

const [cpu, os] = await Promise.all([si.cpu().catch(() => undefined), si.osInfo().catch(() => undefined)]);
const brand = cpu ? `${cpu.manufacturer} ${cpu.brand}`.trim() : '';
parentPort?.postMessage({
  ...(brand ? { cpuModel: brand.slice(0, 200) } : {}),
  ...(cpu && cpu.speed > 0 ? { cpuMHz: Math.round(cpu.speed * 1000) } : {}),
  ...(os?.kernel ? { kernel: os.kernel.slice(0, 200) } : {}),
});
