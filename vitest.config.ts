import react from '@vitejs/plugin-react'
import { defineConfig } from 'vitest/config'

/** One run for every workspace: `npm test` type-checks, then runs these projects. */
export default defineConfig({
  test: {
    // Every test that reaches PostgreSQL does so in a database made for this run and dropped after it.
    globalSetup: ['db/src/postgres-test-run.ts'],
    projects: [
      { test: { name: 'db', include: ['db/src/**/*.test.ts'], environment: 'node', testTimeout: 30_000 } },
      { test: { name: 'api', include: ['api/src/**/*.test.ts'], environment: 'node', testTimeout: 30_000 } },
      {
        // The same API suite on PostgreSQL (README, "Test it").
        test: {
          name: 'api-postgres',
          include: ['api/src/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          env: { VERITY_TEST_DIALECT: 'postgres' },
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'admin-ui',
          include: ['admin-ui/src/**/*.test.tsx'],
          environment: 'jsdom',
          setupFiles: ['admin-ui/src/test/setup.ts'],
          testTimeout: 30_000,
        },
      },
      { test: { name: 'scripts', include: ['scripts/src/*.test.ts'], environment: 'node', testTimeout: 60_000 } },
      {
        test: {
          name: 'e2e',
          include: ['scripts/src/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
