import { describe, expect, it } from 'vitest';
import { Controller } from '../../director/controller.js';
import { DryRunDriver } from '../../director/kernel/ipvs/dry-run-driver.js';
import { applyLines } from '../../director/kernel/ipvs/apply-lines.js';
import { configuredTable, KernelTable } from '../../director/kernel/kernel-table.js';
import { createLogger } from '../../shared/logging.js';
import { threeServerConfig } from '../helpers/director-fixtures.js';

const log = createLogger('test', 'silent');

async function controllerWith(onExit: 'leave' | 'restore') {
  const config = threeServerConfig({}, { onExit });
  // The table as someone left it: weights 37/38/39 instead of the configured 100.
  const start = applyLines(configuredTable(config), [37, 38, 39].map((w, i) => `-e -t 10.0.0.1:80 -r 10.0.1.1${i + 1}:80 -m -w ${w} -x 0 -y 0`)).table;
  const driver = new DryRunDriver(start, log);
  let t = 0;
  const controller = new Controller(config, new KernelTable(config, driver), log, () => (t += 1000));
  await controller.tick();
  return { controller, driver };
}

const weights = async (driver: DryRunDriver) => [...(await driver.read()).services.get('tcp:10.0.0.1:80')!.dests.values()].map((d) => d.weight);

describe('director exit', () => {
  it('adopts the table at start and leaves it as it is on exit by default', async () => {
    const { controller, driver } = await controllerWith('leave');
    expect(controller.snapshot().dests.map((d) => d.weight)).toEqual([37, 38, 39]);
    await controller.stop();
    expect(await weights(driver)).toEqual([37, 38, 39]);
  });

  it('writes the configured weights back on exit when asked to restore', async () => {
    const { controller, driver } = await controllerWith('restore');
    await controller.stop();
    expect(await weights(driver)).toEqual([100, 100, 100]);
  });
});
