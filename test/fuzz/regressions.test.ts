import { describe, expect, it } from 'vitest'
import { postgresBackend, sqliteBackend } from '../support/backends.js'
import type { FuzzCase } from './case.js'
import { runFuzzCase } from './run-case.js'

// Cases the fuzzer found, shrunk and pasted as printed (npm run fuzz), kept once fixed.

const noHandMade = { check: false, collation: false, comment: false, trigger: false, view: false, index: false }

describe('fuzz regressions', () => {
  // seed 1 on sqlite: a rebuild wrote the column after a hand-made `-- comment` onto the comment's line.
  it('SQLite rebuild of a table with a line comment after a column keeps the next column out of it', async () => {
    const c: FuzzCase = {
      v1: [{ name: 'p0', spec: { kind: 'decimal', precision: 4, scale: 0 }, default: 0 }, { name: 'p1', spec: { kind: 'date' }, required: true }],
      v2: [{ name: 'p0', spec: { kind: 'decimal', precision: 4, scale: 0 }, default: 0, unique: true }, { name: 'p1', spec: { kind: 'date' } }],
      rows: [],
      handMade: { ...noHandMade, comment: true },
      composite: true,
      allowDataLoss: false,
    }
    expect(await runFuzzCase(sqliteBackend, c)).toEqual({ outcome: 'applied' })
  })

  // seed 1 on postgres: the duplicates check of a composite key cast a JSON object to numeric and failed.
  it('a unique key over a column that will not convert is refused, not failed by its own check', async () => {
    const c: FuzzCase = {
      v1: [{ name: 'p0', spec: { kind: 'date' }, required: true }, { name: 'p1', spec: { kind: 'object' }, required: true }],
      v2: [{ name: 'p0', spec: { kind: 'date' }, required: true }, { name: 'p1', spec: { kind: 'decimal', precision: 4, scale: 0 }, unique: true }],
      rows: [{ p0: '2024-01-02', p1: {} }],
      handMade: noHandMade,
      composite: true,
      allowDataLoss: false,
    }
    const r = await runFuzzCase(postgresBackend, c)
    expect(r.failure).toBeUndefined()
    expect(r.outcome).toBe('refused')
  })

  // seed 7 on postgres: an empty column of a type with no cast to the new one (double → jsonb) failed the ALTER.
  it('a meaningless conversion of a column holding only NULLs applies on PostgreSQL', async () => {
    const c: FuzzCase = {
      v1: [{ name: 'p1', spec: { kind: 'double' }, required: true, default: 32767 }],
      v2: [{ name: 'p1', spec: { kind: 'object' } }],
      rows: [],
      handMade: noHandMade,
      composite: false,
      allowDataLoss: true,
    }
    expect(await runFuzzCase(postgresBackend, c)).toEqual({ outcome: 'applied' })
  })

  // seed 11 on postgres: the loss check (decimal places) cast text the refusal check had not yet ruled out.
  it('a loss check never casts a value the conversion refuses', async () => {
    const c: FuzzCase = {
      v1: [{ name: 'p1', spec: { kind: 'text', length: 1 }, default: 'a' }],
      v2: [{ name: 'p1', spec: { kind: 'decimal', precision: 4, scale: 0 } }],
      rows: [{ p1: '' }],
      handMade: noHandMade,
      composite: false,
      allowDataLoss: false,
    }
    const r = await runFuzzCase(postgresBackend, c)
    expect(r.failure).toBeUndefined()
    expect(r.outcome).toBe('refused')
  })
})
