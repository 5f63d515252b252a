// Reading SQL text as an engine reads it: where statements and lines end, what is a comment,
// and which statements refuse a transaction block. Each dialect describes its lexical grammar
// (`Dialect.sqlGrammar`); parsing the SQL (rather than a flag the author must remember) is what
// lets a migration file stay unedited and its checksum stable.

/** What a scanner needs to know of an engine's SQL to find top-level semicolons and line ends. */
export interface SqlGrammar {
  /** Characters opening text closed by the same character, doubled to escape it ('…', "…", `…`). */
  readonly quotes: string
  /** Quotes inside which a backslash escapes the next character (MySQL's strings). */
  readonly backslashQuotes: string
  /** Whether `[name]` is a quoted identifier (SQLite). */
  readonly hasBracketIdentifiers: boolean
  /** Whether `$tag$…$tag$` quotes text (PostgreSQL). */
  readonly hasDollarQuotes: boolean
  /** Whether `#` starts a comment to the end of the line (MySQL). */
  readonly hasHashComments: boolean
  /** Whether a trigger's `BEGIN … END` body holds statements of its own (SQLite, MySQL). */
  readonly hasTriggerBodies: boolean
  /** Whether a function's or procedure's `BEGIN ATOMIC … END` body holds statements of its own (PostgreSQL 14+). */
  readonly hasAtomicBodies: boolean
  /** Statements the engine refuses inside a transaction block, matched on the text without comments. */
  readonly nonTransactional: readonly RegExp[]
}

/** Standard SQL's quotes and comments, and nothing refused in a transaction: what a dialect starts from. */
export const standardSqlGrammar: SqlGrammar = {
  quotes: `'"`,
  backslashQuotes: '',
  hasBracketIdentifiers: false,
  hasDollarQuotes: false,
  hasHashComments: false,
  hasTriggerBodies: false,
  hasAtomicBodies: false,
  nonTransactional: [],
}

const DOLLAR_TAG = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/

/**
 * The comment or quoted text starting at `i`, if one does: where it ends and whether it is a
 * comment. A line comment ends before its line break. Unterminated text runs to the end.
 */
function skippedAt(sql: string, i: number, g: SqlGrammar): { end: number; isComment: boolean } | undefined {
  const ch = sql[i]!
  const next = sql[i + 1]
  const n = sql.length
  if ((ch === '-' && next === '-') || (ch === '#' && g.hasHashComments)) {
    let end = i
    while (end < n && sql[end] !== '\n' && sql[end] !== '\r') end++
    return { end, isComment: true }
  }
  if (ch === '/' && next === '*') {
    const end = sql.indexOf('*/', i + 2)
    return { end: end === -1 ? n : end + 2, isComment: true }
  }
  if (g.quotes.includes(ch)) {
    const escapes = g.backslashQuotes.includes(ch)
    let j = i + 1
    while (j < n) {
      if (escapes && sql[j] === '\\') j += 2
      else if (sql[j] !== ch) j++
      else if (sql[j + 1] === ch) j += 2
      else break
    }
    return { end: Math.min(j + 1, n), isComment: false }
  }
  if (ch === '[' && g.hasBracketIdentifiers) {
    const end = sql.indexOf(']', i + 1)
    return { end: end === -1 ? n : end + 1, isComment: false }
  }
  // A `$` inside a name (`a$b$c`) opens nothing: a dollar quote starts where a name can't go on.
  if (ch === '$' && g.hasDollarQuotes && !/[A-Za-z0-9_$]/.test(sql[i - 1] ?? '')) {
    const tag = DOLLAR_TAG.exec(sql.slice(i, i + 66))?.[0]
    if (!tag) return undefined
    const end = sql.indexOf(tag, i + tag.length)
    return { end: end === -1 ? n : end + tag.length, isComment: false }
  }
  return undefined
}

/**
 * Splits a script on top-level semicolons, skipping those inside the grammar's quotes, comments
 * and trigger bodies. Empty statements (comments only) are dropped. Client commands such as
 * MySQL's DELIMITER are not understood.
 * @example
 *   splitStatements("CREATE TABLE t (x text DEFAULT ';'); -- done;\nINSERT INTO t VALUES ('a')", standardSqlGrammar)
 *   // ["CREATE TABLE t (x text DEFAULT ';')", "-- done;\nINSERT INTO t VALUES ('a')"]
 */
export function splitStatements(script: string, grammar: SqlGrammar): string[] {
  const out: string[] = []
  const push = (text: string) => {
    const trimmed = text.trim()
    if (stripComments(trimmed, grammar).trim()) out.push(trimmed)
  }
  let start = 0
  let i = 0
  while (i < script.length) {
    const skipped = skippedAt(script, i, grammar)
    if (skipped) i = skipped.end
    else if (script[i] !== ';') i++
    // A trigger's or an atomic function's body holds statements of its own, up to its END.
    else if (isOpenBody(script.slice(start, i), grammar)) i++
    else {
      push(script.slice(start, i))
      start = ++i
    }
  }
  push(script.slice(start))
  return out
}

/**
 * The script's lines, broken only at line ends outside quotes and block comments: a quoted
 * name holding a newline (or a line reading `-- down`) stays whole, and a CR inside quotes is
 * kept as written.
 */
export function splitTopLevelLines(script: string, grammar: SqlGrammar): string[] {
  const lines: string[] = []
  let start = 0
  let i = 0
  while (i < script.length) {
    const skipped = skippedAt(script, i, grammar)
    if (skipped) {
      i = skipped.end
      continue
    }
    const ch = script[i]
    if (ch !== '\n' && ch !== '\r') {
      i++
      continue
    }
    lines.push(script.slice(start, i))
    start = i = ch === '\r' && script[i + 1] === '\n' ? i + 2 : i + 1
  }
  lines.push(script.slice(start))
  return lines
}

/**
 * The statement without its comments, for recognising what it is. Quoted text is kept whole:
 * a name such as `"x--y"` is not a comment.
 */
export function stripComments(sql: string, grammar: SqlGrammar): string {
  return replaceSkipped(sql, grammar, (text, isComment) => (isComment ? ' ' : text))
}

/** The SQL with each comment and quoted text replaced by what `replace` makes of it. */
function replaceSkipped(sql: string, grammar: SqlGrammar, replace: (text: string, isComment: boolean) => string): string {
  let out = ''
  let i = 0
  while (i < sql.length) {
    const skipped = skippedAt(sql, i, grammar)
    if (!skipped) out += sql[i++]
    else {
      out += replace(sql.slice(i, skipped.end), skipped.isComment)
      i = skipped.end
    }
  }
  return out
}

/** The statement's text with its comments and quoted text blanked: only the words the engine parses. */
function bareText(sql: string, grammar: SqlGrammar): string {
  return replaceSkipped(sql, grammar, () => ' ')
}

/** Whether the statement so far is inside a body whose own statements end in semicolons. */
function isOpenBody(text: string, grammar: SqlGrammar): boolean {
  if (!grammar.hasTriggerBodies && !grammar.hasAtomicBodies) return false
  const sql = bareText(text, grammar).trim()
  if (grammar.hasTriggerBodies && /^CREATE\s+(OR\s+REPLACE\s+)?(TEMP\s+|TEMPORARY\s+)?TRIGGER\b/i.test(sql))
    return /\bBEGIN\b/i.test(sql) && !/\bEND$/i.test(sql)
  // https://www.postgresql.org/docs/current/sql-createfunction.html: a sql_body `BEGIN ATOMIC … END`,
  // in which a CASE expression also closes with END.
  if (grammar.hasAtomicBodies && /^CREATE\s+(OR\s+REPLACE\s+)?(FUNCTION|PROCEDURE)\b/i.test(sql) && /\bBEGIN\s+ATOMIC\b/i.test(sql)) {
    const count = (re: RegExp) => sql.match(re)?.length ?? 0
    return count(/\b(BEGIN|CASE)\b/gi) > count(/\bEND\b/gi)
  }
  return false
}

/** True for a statement the engine refuses inside a transaction (PostgreSQL's `CREATE INDEX CONCURRENTLY`, SQLite's `VACUUM`). */
export function isNonTransactionalSql(sql: string, grammar: SqlGrammar): boolean {
  const text = stripComments(sql, grammar).trim()
  return grammar.nonTransactional.some((re) => re.test(text))
}
