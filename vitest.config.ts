import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // most files wait on child processes (compilers, the CLI, workers): two at a time even on two cores
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
