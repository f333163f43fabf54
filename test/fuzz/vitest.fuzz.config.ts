// The hostile-network suite (npm run test:fuzz): one live director under attack at a time, so nothing else shares its cores.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/fuzz/**/*.test.ts'],
    fileParallelism: false,
    pool: 'forks',
    hookTimeout: 60_000,
    globalSetup: ['test/global-setup.ts'],
  },
});
