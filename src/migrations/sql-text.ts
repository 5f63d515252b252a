// Reading SQL text: splitting a script into statements and recognising the statements that
// PostgreSQL refuses inside a transaction block. Parsing the SQL (rather than a flag the
// author must remember) is what lets a migration file stay unedited and its checksum stable.

/**
 * Splits a script on top-level semicolons, skipping those inside quotes ('…', "…", `…`),
 * dollar quotes ($tag$…$tag$), comments and a trigger's BEGIN … END. Empty statements
 * (comments only) are dropped. Client commands such as MySQL's DELIMITER are not understood.
 * @example
 *   splitStatements("CREATE TABLE t (x text DEFAULT ';'); -- done;\nINSERT INTO t VALUES ('a')")
 *   // ["CREATE TABLE t (x text DEFAULT ';')", "-- done;\nINSERT INTO t VALUES ('a')"]
 */
export function splitStatements(script: string): string[] {
  const out: string[] = []
  let start = 0
  let i = 0
  const n = script.length
  while (i < n) {
    const ch = script[i]!
    const next = script[i + 1]
    if (ch === '-' && next === '-') {
      const end = script.indexOf('\n', i)
      i = end === -1 ? n : end + 1
    } else if (ch === '/' && next === '*') {
      const end = script.indexOf('*/', i + 2)
      i = end === -1 ? n : end + 2
    } else if (ch === "'" || ch === '"' || ch === '`') {
      i++
      while (i < n) {
        if (script[i] === ch) {
          if (script[i + 1] === ch) i += 2
          else break
        } else i++
      }
      i++
    } else if (ch === '$') {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(script.slice(i))
      if (m) {
        const end = script.indexOf(m[0], i + m[0].length)
        i = end === -1 ? n : end + m[0].length
      } else i++
    } else if (ch === ';') {
      // A trigger's body holds statements of its own, up to its END (SQLite, MySQL).
      if (isOpenTrigger(script.slice(start, i))) {
        i++
        continue
      }
      push(script.slice(start, i))
      start = ++i
    } else i++
  }
  push(script.slice(start))
  return out

  function push(text: string) {
    const trimmed = text.trim()
    if (stripComments(trimmed).trim()) out.push(trimmed)
  }
}

/**
 * The script's lines, broken only at line ends outside quotes, dollar quotes and block
 * comments: a quoted name holding a newline (or a line reading `-- down`) stays whole, and
 * a CR inside quotes is kept as written.
 */
export function splitTopLevelLines(script: string): string[] {
  const lines: string[] = []
  let start = 0
  let i = 0
  const n = script.length
  const breakAt = (end: number, next: number) => {
    lines.push(script.slice(start, end))
    start = i = next
  }
  while (i < n) {
    const ch = script[i]!
    const next = script[i + 1]
    if (ch === '\n') breakAt(i, i + 1)
    else if (ch === '\r') breakAt(i, next === '\n' ? i + 2 : i + 1)
    else if (ch === '-' && next === '-') {
      while (i < n && script[i] !== '\n' && script[i] !== '\r') i++
    } else if (ch === '/' && next === '*') {
      const end = script.indexOf('*/', i + 2)
      i = end === -1 ? n : end + 2
    } else if (ch === "'" || ch === '"' || ch === '`') {
      i++
      while (i < n) {
        if (script[i] === ch) {
          if (script[i + 1] === ch) i += 2
          else break
        } else i++
      }
      i++
    } else if (ch === '$') {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(script.slice(i, i + 66))
      if (m) {
        const end = script.indexOf(m[0], i + m[0].length)
        i = end === -1 ? n : end + m[0].length
      } else i++
    } else i++
  }
  lines.push(script.slice(start))
  return lines
}

function isOpenTrigger(text: string): boolean {
  const sql = stripComments(text).trim()
  return /^CREATE\s+(OR\s+REPLACE\s+)?(TEMP\s+|TEMPORARY\s+)?TRIGGER\b/i.test(sql) && /\bBEGIN\b/i.test(sql) && !/\bEND$/i.test(sql)
}

/**
 * The statement without its comments, for recognising what it is. Quoted text is kept whole:
 * a name such as `"x--y"` is not a comment.
 */
export function stripComments(sql: string): string {
  let out = ''
  let i = 0
  const n = sql.length
  while (i < n) {
    const ch = sql[i]!
    const next = sql[i + 1]
    if (ch === '-' && next === '-') {
      const end = sql.indexOf('\n', i)
      i = end === -1 ? n : end
      out += ' '
    } else if (ch === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2)
      i = end === -1 ? n : end + 2
      out += ' '
    } else if (ch === "'" || ch === '"' || ch === '`') {
      let j = i + 1
      while (j < n) {
        if (sql[j] === ch) {
          if (sql[j + 1] === ch) j += 2
          else break
        } else j++
      }
      out += sql.slice(i, j + 1)
      i = j + 1
    } else if (ch === '$' && /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.test(sql.slice(i, i + 66))) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 66))![0]
      const end = sql.indexOf(tag, i + tag.length)
      const stop = end === -1 ? n : end + tag.length
      out += sql.slice(i, stop)
      i = stop
    } else {
      out += ch
      i++
    }
  }
  return out
}

// https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY
// and the other commands documented as "cannot be executed inside a transaction block".
const NON_TRANSACTIONAL = [
  /^CREATE\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY\b/i,
  /^DROP\s+INDEX\s+CONCURRENTLY\b/i,
  /^REINDEX\b[\s\S]*\bCONCURRENTLY\b/i,
  /^ALTER\s+TABLE\b[\s\S]*\bDETACH\s+PARTITION\b[\s\S]*\bCONCURRENTLY\b/i,
  /^VACUUM\b/i,
  /^(CREATE|DROP)\s+DATABASE\b/i,
  /^(CREATE|DROP)\s+TABLESPACE\b/i,
  /^ALTER\s+SYSTEM\b/i,
  /^CREATE\s+SUBSCRIPTION\b/i,
]

/** True for a statement that cannot run inside a transaction (`CREATE INDEX CONCURRENTLY`, `VACUUM`, …). */
export function isNonTransactionalSql(sql: string): boolean {
  const text = stripComments(sql).trim()
  return NON_TRANSACTIONAL.some((re) => re.test(text))
}

/** An identifier as written: `"quoted ""name"""` or a bare word. */
const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`

function unquote(ident: string): string {
  return ident.startsWith('"') ? ident.slice(1, -1).replace(/""/g, '"') : ident.toLowerCase()
}

/** The index and table a `CREATE INDEX CONCURRENTLY` builds, to clean up a failed earlier build. */
export function concurrentIndexTarget(sql: string): { index: string; table: { schema?: string; name: string } } | undefined {
  const re = new RegExp(
    String.raw`^CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(?:IF\s+NOT\s+EXISTS\s+)?(${IDENT})\s+ON\s+(?:ONLY\s+)?(${IDENT})(?:\s*\.\s*(${IDENT}))?`,
    'i',
  )
  const m = re.exec(stripComments(sql).trim())
  if (!m) return undefined
  const index = unquote(m[1]!)
  const table = m[3] ? { schema: unquote(m[2]!), name: unquote(m[3]) } : { name: unquote(m[2]!) }
  return { index, table }
}
