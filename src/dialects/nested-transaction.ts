/** A session's count of open transaction levels: 0 outside any. */
export interface TransactionDepth {
  depth: number
}

/** How an engine opens a transaction and undoes a failed nested level; the rest is standard SQL. */
export interface SavepointGrammar {
  /** Opens the outermost level: `BEGIN` (PostgreSQL, SQLite), `START TRANSACTION` (MySQL). */
  begin: string
  /** Undoes a failed nested level named `savepoint`. */
  rollbackTo(savepoint: string): string
}

/**
 * Runs `fn` as one transaction level of a held session: the outermost level is a transaction,
 * each level inside it a savepoint, so a failure undoes only its own level. `run` sends a
 * statement; `undo` sends the rollback (by default `run`, its own failure ignored: the error
 * that caused the rollback is the one worth reporting).
 */
export async function nestTransaction<T>(
  session: TransactionDepth,
  grammar: SavepointGrammar,
  run: (sql: string) => Promise<unknown>,
  fn: () => Promise<T>,
  undo: (sql: string) => Promise<unknown> = (sql) => run(sql).catch(() => {}),
): Promise<T> {
  const savepoint = session.depth > 0 ? `shipshape_sp_${session.depth}` : undefined
  await run(savepoint ? `SAVEPOINT ${savepoint}` : grammar.begin)
  session.depth++
  try {
    const result = await fn()
    session.depth--
    await run(savepoint ? `RELEASE SAVEPOINT ${savepoint}` : 'COMMIT')
    return result
  } catch (e) {
    session.depth--
    await undo(savepoint ? grammar.rollbackTo(savepoint) : 'ROLLBACK')
    throw e
  }
}
