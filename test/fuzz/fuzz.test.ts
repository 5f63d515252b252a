import { describe, expect, it } from 'vitest'
import { mysqlBackend, pgliteBackend, postgresBackend, sqliteBackend } from '../support/backends.js'
import { fuzz } from './report.js'

// The differential fuzzer of issue 10 at a fixed seed and a modest number of cases per back end
// (`npm run fuzz -- --cases N [--seed S] [--backend B]` runs as many as asked).
const SEED = 20261129
const runs = [
  { backend: sqliteBackend, cases: 100 },
  { backend: pgliteBackend, cases: 10 },
  { backend: postgresBackend, cases: 8 },
  { backend: mysqlBackend, cases: 8 },
]

describe('differential fuzz: refused changes nothing, applied loses nothing unannounced', () => {
  it.each(runs)('$backend.name, $cases cases', async ({ backend, cases }) => {
    const figures = await fuzz(backend, cases, SEED)
    if (figures.failure) console.error(figures.failure)
    expect(figures.failure).toBeUndefined()
    expect(figures.cases).toBe(cases)
    // The generator reaches both sides of the invariant.
    expect(figures.refused).toBeGreaterThan(0)
    expect(figures.applied).toBeGreaterThan(0)
  }, 120_000)
})
