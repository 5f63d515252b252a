import { randomUUID } from 'node:crypto'
import type { Connection } from '../dialects/connection.js'
import type { Dialect } from '../dialects/dialect.js'
import type { RepositoryBackend, RowData } from './backend.js'
import type { Condition, NormalizedFilter } from './filter.js'
import type { ModelMeta } from './model-meta.js'
import { RowCodec, type SqlColumn } from './row-codec.js'
import type { RowValues } from './validate.js'
import { compileWhere, Params } from './where.js'

interface InsertShape {
  columns: SqlColumn[]
  /** SQL for 1..n rows of this shape, built on demand and kept. */
  sqlByRows: Map<number, string>
}

/** A repository backend over a SQL dialect; statement text is built once per shape and reused. */
export class SqlBackend implements RepositoryBackend {
  private readonly codec: RowCodec
  private readonly shapes = new Map<number | string, InsertShape>()
  private readonly selectAll: string
  private readonly returning: string
  /** Generated numeric id the engine reports through insertId (no RETURNING). */
  private readonly autoIdIndex: number

  constructor(
    readonly meta: ModelMeta,
    readonly dialect: Dialect,
    private readonly connection: () => Promise<Connection>,
    options: { naming?: import('../schema/naming.js').NamingConvention; schema?: string },
  ) {
    this.codec = new RowCodec(meta, dialect, options)
    this.selectAll = `SELECT ${this.codec.allColumns} FROM ${this.codec.table}`
    this.returning = ` RETURNING ${this.codec.allColumns}`
    const auto = meta.properties.find((p) => p.isGenerated && p.type === 'number')
    this.autoIdIndex = auto ? auto.index : -1
  }

  private params() {
    return new Params(this.dialect)
  }

  async insert(rows: RowValues[], conn?: Connection): Promise<RowData[]> {
    if (rows.length === 0) return []
    const c = conn ?? (await this.connection())
    if (!this.dialect.capabilities.returning) this.fillGeneratedUuids(rows)
    if (rows.length === 1) return this.insertBatch(c, rows, this.shapeOf(rows[0]!))
    // Several statements: one transaction (nested as a savepoint when already inside one).
    return c.transaction(async (tx) => {
      const out: RowData[] = new Array(rows.length)
      const groups = new Map<InsertShape, number[]>()
      for (let i = 0; i < rows.length; i++) {
        const shape = this.shapeOf(rows[i]!)
        let g = groups.get(shape)
        if (!g) groups.set(shape, (g = []))
        g.push(i)
      }
      for (const [shape, indexes] of groups) {
        const perBatch = this.rowsPerStatement(shape)
        for (let start = 0; start < indexes.length; start += perBatch) {
          const slice = indexes.slice(start, start + perBatch)
          const stored = await this.insertBatch(tx, slice.map((i) => rows[i]!), shape)
          for (let k = 0; k < slice.length; k++) out[slice[k]!] = stored[k]!
        }
      }
      return out
    })
  }

  /** Rows per INSERT: under the engine's bind-parameter limit; one at a time when ids come back only as insertId. */
  private rowsPerStatement(shape: InsertShape): number {
    const caps = this.dialect.capabilities
    if (!caps.returning && this.autoIdIndex >= 0) return 1
    if (shape.columns.length === 0) return 1
    return Math.max(1, Math.floor(caps.maxParameters / shape.columns.length))
  }

  private fillGeneratedUuids(rows: RowValues[]) {
    for (const p of this.meta.properties)
      if (p.isGenerated && p.type === 'string') for (const r of rows) if (r[p.index] == null) r[p.index] = randomUUID()
  }

  /** Rows with the same given properties share one INSERT text; the key is a bit set of them. */
  private shapeOf(row: RowValues): InsertShape {
    const n = row.length
    let key: number | string
    if (n <= 30) {
      key = 0
      for (let i = 0; i < n; i++) if (row[i] !== undefined) key |= 1 << i
    } else {
      key = ''
      for (let i = 0; i < n; i++) key += row[i] !== undefined ? '1' : '0'
    }
    let shape = this.shapes.get(key)
    if (!shape) {
      shape = { columns: this.codec.columns.filter((_, i) => row[i] !== undefined), sqlByRows: new Map() }
      this.shapes.set(key, shape)
    }
    return shape
  }

  private insertSql(shape: InsertShape, rowCount: number): string {
    let sql = shape.sqlByRows.get(rowCount)
    if (sql) return sql
    const returning = this.dialect.capabilities.returning ? this.returning : ''
    if (shape.columns.length === 0) sql = `INSERT INTO ${this.codec.table} DEFAULT VALUES${returning}`
    else {
      const p = this.params()
      const tuples: string[] = new Array(rowCount)
      for (let r = 0; r < rowCount; r++) tuples[r] = `(${shape.columns.map(() => p.add(null)).join(', ')})`
      sql = `INSERT INTO ${this.codec.table} (${shape.columns.map((c) => c.quoted).join(', ')}) VALUES ${tuples.join(', ')}${returning}`
    }
    // Keep the single-row and full-batch texts (the ones that recur), not every tail size.
    if (rowCount === 1 || rowCount === this.rowsPerStatement(shape)) shape.sqlByRows.set(rowCount, sql)
    return sql
  }

  private async insertBatch(conn: Connection, rows: RowValues[], shape: InsertShape): Promise<RowData[]> {
    const cols = shape.columns
    const values: unknown[] = new Array(rows.length * cols.length)
    let k = 0
    for (const row of rows)
      for (let j = 0; j < cols.length; j++) {
        const c = cols[j]!
        const v = row[c.property.index]
        values[k++] = v === null || !c.encode ? v : c.encode(v)
      }
    const result = await conn.query<Record<string, unknown>>(this.insertSql(shape, rows.length), values)
    if (this.dialect.capabilities.returning) return result.rows.map((r) => this.codec.decode(r))
    // No RETURNING: the stored row is what was sent, plus the id the engine reports.
    const sent = rows.map((row) => {
      const data: RowData = {}
      for (const p of this.meta.properties) data[p.name] = row[p.index] ?? null
      if (this.autoIdIndex >= 0 && row[this.autoIdIndex] == null && result.insertId !== undefined)
        data[this.meta.properties[this.autoIdIndex]!.name] = Number(result.insertId)
      return data
    })
    // Columns left out that the database fills (defaults) are read back by id.
    return this.hasOmittedDefaults(shape) ? this.readBack(conn, sent) : sent
  }

  private hasOmittedDefaults(shape: InsertShape): boolean {
    return this.codec.columns.some((c) => c.column.default !== undefined && !shape.columns.includes(c))
  }

  private async readBack(conn: Connection, sent: RowData[]): Promise<RowData[]> {
    const id = this.meta.ids.length === 1 ? this.meta.ids[0]! : undefined
    if (!id || sent.some((r) => r[id.name] == null)) return sent
    const col = this.codec.columns[id.index]!
    const p = this.params()
    const list = sent.map((r) => p.add(this.codec.encode(col, r[id.name]))).join(', ')
    const result = await conn.query<Record<string, unknown>>(`${this.selectAll} WHERE ${col.quoted} IN (${list})`, p.values)
    const byId = new Map(result.rows.map((r) => [String(r[col.name]), this.codec.decode(r)]))
    return sent.map((r) => byId.get(String(r[id.name])) ?? r)
  }

  async find(filter: NormalizedFilter, conn?: Connection): Promise<RowData[]> {
    const p = this.params()
    const columns = filter.fields ? filter.fields.map((f) => this.codec.columns[f.index]!) : this.codec.columns
    let sql = filter.fields ? `SELECT ${columns.map((c) => c.quoted).join(', ')} FROM ${this.codec.table}` : this.selectAll
    if (filter.where) sql += ` WHERE ${compileWhere(filter.where, this.codec, p)}`
    if (filter.order.length)
      sql += ` ORDER BY ${filter.order.map((o) => `${this.codec.columns[o.property.index]!.quoted}${o.isDescending ? ' DESC' : ''}`).join(', ')}`
    // OFFSET needs a LIMIT on SQLite and MySQL; "no limit" is the largest safe integer.
    if (filter.limit !== undefined || filter.skip !== undefined) sql += ` LIMIT ${p.add(filter.limit ?? Number.MAX_SAFE_INTEGER)}`
    if (filter.skip !== undefined) sql += ` OFFSET ${p.add(filter.skip)}`
    const result = await (conn ?? (await this.connection())).query<Record<string, unknown>>(sql, p.values)
    const rows = result.rows
    const out: RowData[] = new Array(rows.length)
    for (let i = 0; i < rows.length; i++) out[i] = this.codec.decode(rows[i]!, columns)
    return out
  }

  async count(where: Condition | undefined, conn?: Connection): Promise<number> {
    const p = this.params()
    let sql = `SELECT COUNT(*) AS ${this.dialect.quoteIdentifier('n')} FROM ${this.codec.table}`
    if (where) sql += ` WHERE ${compileWhere(where, this.codec, p)}`
    const result = await (conn ?? (await this.connection())).query<{ n: unknown }>(sql, p.values)
    return Number(result.rows[0]?.n ?? 0)
  }

  async update(values: RowValues, where: Condition | undefined, conn?: Connection): Promise<number> {
    const p = this.params()
    const sets: string[] = []
    for (const c of this.codec.columns) {
      const v = values[c.property.index]
      if (v !== undefined) sets.push(`${c.quoted} = ${p.add(this.codec.encode(c, v))}`)
    }
    if (sets.length === 0) return this.count(where, conn)
    let sql = `UPDATE ${this.codec.table} SET ${sets.join(', ')}`
    if (where) sql += ` WHERE ${compileWhere(where, this.codec, p)}`
    return (await (conn ?? (await this.connection())).query(sql, p.values)).rowCount
  }

  async delete(where: Condition | undefined, conn?: Connection): Promise<number> {
    const p = this.params()
    let sql = `DELETE FROM ${this.codec.table}`
    if (where) sql += ` WHERE ${compileWhere(where, this.codec, p)}`
    return (await (conn ?? (await this.connection())).query(sql, p.values)).rowCount
  }
}
