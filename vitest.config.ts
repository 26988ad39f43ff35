import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Lab servers bind loopback ports; forks keep them apart from the runner. Files share a worker's
    // module cache (isolate: false) — half the suite's time went to re-importing the same graph per
    // file. Safe because no test mocks modules, fakes timers or patches globals; module-level state
    // (the secret registry, the lab CA, e2e rate limits keyed by adapter set) is per-instance or additive.
    pool: 'forks',
    isolate: false,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // In CI a JSON report as well, from which .ci/run prints the plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: process.env.CI ? { json: '.vitest-results.json' } : undefined,
  },
});
