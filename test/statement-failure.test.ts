import { describe, expect, it } from 'vitest'
import { describeStatementFailure } from '../src/errors.js'

// One wording for a failed statement, in plan execution and in the migration runner.
describe('describeStatementFailure', () => {
  it('gives the server message with its detail, then the SQL, with passwords taken out', () => {
    const e = Object.assign(new Error('could not create unique index "u" (postgres://app:s3cret@db/x)'), { detail: 'Key (email)=(a@b) is duplicated.' })
    const text = describeStatementFailure(e, 'CREATE UNIQUE INDEX "u" ON "t" ("email")', 3)
    expect(text).toBe(
      'could not create unique index "u" (postgres://app:***@db/x) (Key (email)=(a@b) is duplicated.)\n' +
        '  SQL (statement 3): CREATE UNIQUE INDEX "u" ON "t" ("email")',
    )
  })

  it('says no position where there is none, and words a thrown non-error too', () => {
    expect(describeStatementFailure(new Error('boom'), 'SELECT 1')).toBe('boom\n  SQL: SELECT 1')
    expect(describeStatementFailure('plain', 'SELECT 1')).toBe('plain\n  SQL: SELECT 1')
  })
})
