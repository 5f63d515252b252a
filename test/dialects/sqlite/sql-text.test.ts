import { describe, expect, it } from 'vitest'
import { quoteSqliteIdentifier as q } from '../../../src/dialects/sqlite/quote.js'
import { constraintKind, joinTokens, parseTableText, renameIdentifier, renderColumnText, tokenizeSqlite } from '../../../src/dialects/sqlite/sql-text.js'

// The reading rebuilds rely on: every clause lands in the right column constraint, verbatim.
describe('SQLite CREATE TABLE texts', () => {
  it('cuts columns into type and constraints, keeping multi-word clauses whole', () => {
    const t = parseTableText(
      `CREATE TABLE IF NOT EXISTS [we"ird] /*mark*/ (
        "a""b" VARCHAR (10) CONSTRAINT nn NOT NULL ON CONFLICT ABORT DEFAULT NULL COLLATE NOCASE,
        c INTEGER REFERENCES p ON DELETE SET NULL ON UPDATE SET DEFAULT NOT DEFERRABLE INITIALLY IMMEDIATE CHECK (c IN (1, 2)),
        d REAL GENERATED ALWAYS AS (c * 2) STORED, -- trailing, comma: inside
        e, 'f' TEXT DEFAULT 'x, (y)',
        PRIMARY KEY (c), UNIQUE ("a""b", e), CONSTRAINT k CHECK (e <> 'z')
      ) WITHOUT ROWID`,
    )!
    expect(t.columns.map((c) => c.name)).toEqual(['a"b', 'c', 'd', 'e', 'f'])
    expect(t.columns.map((c) => c.constraints.map(constraintKind))).toEqual([
      ['NOT', 'DEFAULT', 'COLLATE'],
      ['REFERENCES', 'CHECK'],
      ['GENERATED'],
      [],
      ['DEFAULT'],
    ])
    expect(joinTokens(t.columns[0]!.type)).toBe('VARCHAR (10)')
    expect(joinTokens(t.columns[0]!.constraints[0]!)).toBe('CONSTRAINT nn NOT NULL ON CONFLICT ABORT')
    expect(joinTokens(t.columns[1]!.constraints[0]!)).toBe('REFERENCES p ON DELETE SET NULL ON UPDATE SET DEFAULT NOT DEFERRABLE INITIALLY IMMEDIATE')
    expect(renderColumnText(t.columns[4]!, q)).toBe(`"f" TEXT DEFAULT 'x, (y)'`)
    expect(t.constraints.map(joinTokens)).toEqual(['PRIMARY KEY (c)', 'UNIQUE ("a""b", e)', "CONSTRAINT k CHECK (e <> 'z')"])
    expect(joinTokens(t.tail)).toBe(' WITHOUT ROWID')
    expect(joinTokens(t.head)).toContain('/*mark*/')
  })

  it('renames a column everywhere but in strings and the other table\'s column list', () => {
    const tokens = tokenizeSqlite(`CHECK (qty > 0 AND "QTY" < 9 AND note <> 'qty') REFERENCES other (qty) ON DELETE CASCADE`)
    expect(joinTokens(renameIdentifier(tokens, 'qty', 'n"q', q))).toBe(
      `CHECK ("n""q" > 0 AND "n""q" < 9 AND note <> 'qty') REFERENCES other (qty) ON DELETE CASCADE`,
    )
  })
})
