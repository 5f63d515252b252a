// What reverting a migration would destroy, found before anything runs: its down() is run
// against a context that only collects statements, and each dropped table's rows are counted.
import type { Connection } from '../dialects/connection.js'
import type { Dialect } from '../dialects/dialect.js'
import type { MigrationContext } from './context.js'
import { loadMigration, type MigrationFile } from './files.js'
import { splitStatements, stripComments } from '../dialects/sql-text.js'

/** One table or column a down() would drop, with the rows it holds now. */
export interface DownDrop {
  table: string
  column?: string
  /** Rows in the table now; absent when it could not be counted (no such table). */
  rows?: number
}

export interface DownPreview {
  migration: string
  /** The statements down() would run; absent when down() needs the database to decide them. */
  statements?: string[]
  drops: DownDrop[]
}

// An identifier as any of the engines writes it: "x", `x`, [x] or bare.
const IDENT = String.raw`(?:"(?:[^"]|"")+"|\x60(?:[^\x60]|\x60\x60)+\x60|\[[^\]]+\]|[A-Za-z_][A-Za-z0-9_$]*)`
const NAME = String.raw`(${IDENT})(?:\s*\.\s*(${IDENT}))?`
const DROP_TABLE = new RegExp(String.raw`^DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?${NAME}`, 'i')
const DROP_COLUMN = new RegExp(String.raw`^ALTER\s+TABLE\s+(?:ONLY\s+)?${NAME}\s+DROP\s+(?:COLUMN\s+)?(?!CONSTRAINT\b|INDEX\b|KEY\b|PRIMARY\b|FOREIGN\b|CHECK\b|DEFAULT\b)(?:IF\s+EXISTS\s+)?(${IDENT})`, 'i')

function unquote(ident: string): string {
  const q = ident[0]
  if (q === '"' || q === '`') return ident.slice(1, -1).replaceAll(q + q, q)
  if (q === '[') return ident.slice(1, -1)
  return ident
}

/** The statements a migration's down() would run, without running them. */
export async function downStatements(file: MigrationFile, dialect: Dialect): Promise<string[] | undefined> {
  const migration = await loadMigration(file, dialect.sqlGrammar)
  if (!migration.down) return []
  const statements: string[] = []
  const ctx: MigrationContext = {
    name: file.name,
    direction: 'down',
    dialect,
    query: async () => [],
    exec: async (sql) => {
      statements.push(...splitStatements(sql, dialect.sqlGrammar))
    },
  }
  try {
    await migration.down(ctx)
  } catch {
    // A down() that reads the database to decide what to run can't be previewed.
    return undefined
  }
  return statements
}

/**
 * What reverting `file` would drop: tables and columns named by its down() statements, with
 * the rows each table holds now.
 * @example
 *   await previewDown(file, dialect, conn) // {migration: '…_init', drops: [{table: 'Todo', rows: 3}], …}
 */
export async function previewDown(file: MigrationFile, dialect: Dialect, conn: Connection, schema?: string): Promise<DownPreview> {
  const statements = await downStatements(file, dialect)
  const drops: DownDrop[] = []
  for (const sql of statements ?? []) {
    const text = stripComments(sql, dialect.sqlGrammar).trim()
    const m = DROP_TABLE.exec(text) ?? DROP_COLUMN.exec(text)
    if (!m) continue
    const [first, second] = [unquote(m[1]!), m[2] ? unquote(m[2]) : undefined]
    const ref = second !== undefined ? { schema: first, name: second } : { ...(schema && dialect.capabilities.supportsSchemas ? { schema } : {}), name: first }
    const q = (n: string) => dialect.quoteIdentifier(n)
    const qualified = ref.schema ? `${q(ref.schema)}.${q(ref.name)}` : q(ref.name)
    // Looked up first: a failed COUNT would abort a transaction the lock may hold open.
    let rows: number | undefined
    if ((await dialect.introspect(conn, [ref])).tables.length) {
      const r = await conn.query<{ n: unknown }>(`SELECT COUNT(*) AS ${q('n')} FROM ${qualified}`)
      rows = Number(r.rows[0]?.n ?? 0)
    }
    drops.push({ table: ref.schema ? `${ref.schema}.${ref.name}` : ref.name, ...(m[3] ? { column: unquote(m[3]) } : {}), ...(rows !== undefined ? { rows } : {}) })
  }
  return { migration: file.name, ...(statements ? { statements } : {}), drops }
}

/** One line per drop: `table "Todo" (3 rows)`. */
export function describeDrops(previews: DownPreview[]): string {
  const lines: string[] = []
  for (const p of previews) {
    if (!p.statements) lines.push(`\n    ${p.migration}: down() reads the database; what it drops can't be shown beforehand`)
    for (const d of p.drops)
      lines.push(
        `\n    ${p.migration}: drops ${d.column ? `column "${d.column}" of table "${d.table}"` : `table "${d.table}"`}` +
          (d.rows === undefined ? ' (not there now)' : ` (${d.rows} row${d.rows === 1 ? '' : 's'})`),
      )
    if (p.statements && !p.drops.length) lines.push(`\n    ${p.migration}: ${p.statements.length} statement(s), no table or column dropped`)
  }
  return lines.join('')
}
