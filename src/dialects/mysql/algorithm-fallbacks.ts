import type { Connection } from '../connection.js'
import type { Statement } from '../statement.js'
import { ALGORITHM_CLAUSE, ALGORITHM_LADDER } from './render.js'

/** ER_ALTER_OPERATION_NOT_SUPPORTED and ER_ALTER_OPERATION_NOT_SUPPORTED_REASON (MySQL and MariaDB alike). */
const ALGORITHM_REFUSED = new Set([1845, 1846])

/**
 * The statement with the weaker forms of the online algorithm it asks for, as `fallbacks`
 * (INSTANT → INPLACE, LOCK=NONE → the server's own choice), so the plan shows every SQL text that
 * may run. A statement asking for no algorithm is returned as it is.
 */
export function withAlgorithmFallbacks(statement: Statement): Statement {
  const step = ALGORITHM_LADDER.findIndex((a) => ALGORITHM_CLAUSE[a] && statement.sql.endsWith(ALGORITHM_CLAUSE[a]))
  if (step === -1 || statement.fallbacks) return statement
  const base = statement.sql.slice(0, -ALGORITHM_CLAUSE[ALGORITHM_LADDER[step]!].length)
  return { ...statement, fallbacks: ALGORITHM_LADDER.slice(step + 1).map((a) => base + ALGORITHM_CLAUSE[a]) }
}

/**
 * Runs a statement, and its fallbacks in order while the server refuses the online algorithm
 * asked for (https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html). A refusal
 * happens before any work, so each step costs one round trip; any other error is thrown as it is.
 */
export async function runMysqlStatement(conn: Connection, statement: Statement): Promise<void> {
  const texts = [statement.sql, ...(statement.fallbacks ?? [])]
  for (let i = 0; ; i++) {
    try {
      return await conn.exec(texts[i]!)
    } catch (e) {
      const errno = (e as { errno?: number }).errno
      if (i === texts.length - 1 || !errno || !ALGORITHM_REFUSED.has(errno)) throw e
    }
  }
}
