// What a partly applied migration's record holds, and how a rerun resumes after it. A migration
// that mixes statements a transaction can hold with ones it can't (PostgreSQL's CREATE INDEX
// CONCURRENTLY; on MySQL every DDL statement commits itself) runs as segments; each committed
// segment is recorded, so a failure or a kill never leaves work done but unrecorded.
import { createHash } from 'node:crypto'
import { migrationChecksum } from './checksum.js'
import { stripComments, type SqlGrammar } from '../dialects/sql-text.js'

/**
 * sha256 of the statements that took effect, in order. A rerun compares it with the file's
 * statements at the same positions: the part that ran must not have been edited.
 * @example
 *   statementsChecksum(['CREATE TABLE t (x int)', 'INSERT INTO t VALUES (1)']).length // 64
 */
export function statementsChecksum(statements: readonly string[]): string {
  const h = createHash('sha256')
  for (const s of statements) h.update(migrationChecksum(s.trim())).update('\n')
  return h.digest('hex')
}

/**
 * A statement with no lasting effect, run again when a resumed migration replays the part that
 * already took effect: its rows may feed the code that follows (`const rows = await ctx.query(…)`),
 * and a session setting must hold again. Anything else in that part is skipped.
 */
export function isReplayable(sql: string, grammar: SqlGrammar): boolean {
  const text = stripComments(sql, grammar).trim()
  // SELECT … INTO creates a table on PostgreSQL; EXPLAIN ANALYZE runs its statement.
  return /^(SELECT|SHOW|VALUES|TABLE|SET|PRAGMA)\b/i.test(text) && !/\bINTO\b/i.test(text)
}

/** One line per statement, shortened, numbered from `from` (1-based), for error messages. */
export function listStatements(statements: readonly string[], from = 1): string {
  return statements.map((s, i) => `\n    ${from + i}. ${oneLine(s)}`).join('')
}

export function oneLine(sql: string, max = 100): string {
  const text = sql.replace(/\s+/g, ' ').trim()
  return text.length > max ? text.slice(0, max - 1) + '…' : text
}
