import { standardSqlGrammar, type SqlGrammar } from '../sql-text.js'

/**
 * MySQL's and MariaDB's lexical grammar: backtick names, backslash escapes in strings (unless
 * the server runs with NO_BACKSLASH_ESCAPES), `#` comments, and trigger bodies
 * (https://dev.mysql.com/doc/refman/8.0/en/string-literals.html, .../comments.html).
 * Nothing is refused in a transaction: DDL commits the transaction itself, so the runner opens none.
 */
export const mysqlGrammar: SqlGrammar = {
  ...standardSqlGrammar,
  quotes: `'"\``,
  backslashQuotes: `'"`,
  hasHashComments: true,
  hasTriggerBodies: true,
}
