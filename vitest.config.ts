import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['shared/**/*.test.ts', 'server/**/*.test.ts', 'client/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    // The randomized sync suite sets its own, longer timeouts per test.
    hookTimeout: 60_000,
    // Each file gets its own database; a 2-core machine runs two files at a time.
    maxWorkers: 2,
    coverage: {
      provider: 'v8',
      include: ['shared/**/*.ts', 'server/**/*.ts'],
      exclude: ['**/*.test.ts', '**/*.d.ts', 'server/test/**', 'server/bench/**', 'server/load/**', 'server/main.ts', 'server/scripts/**'],
      reporter: ['text-summary', 'text'],
    },
  },
});
