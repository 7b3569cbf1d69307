import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // tests, the generator and generated code share one instance of the runtime: its sources
  resolve: { alias: { '@tracegen/runtime': fileURLToPath(new URL('./runtime/index.ts', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // most files wait on child processes (compilers, the CLI, workers): two at a time even on two cores
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
