import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// `npm run bench:check`: the benchmark's own test (it runs the whole bench in quick mode to check
// that every row is reported), kept out of `npm test`, whose files are test/**.
export default defineConfig({ ...base, test: { ...base.test, include: ['bench/**/*.test.ts'] } });
