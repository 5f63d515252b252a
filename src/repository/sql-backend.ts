import { randomUUID } from 'node:crypto'
import type { Connection } from '../dialects/connection.js'
import type { Dialect } from '../dialects/dialect.js'
import type { DmlAdapter } from '../dialects/dml-adapter.js'
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
  /** The one other row count whose SQL is kept. */
  tailRows?: number
  /** The columns an INSERT … RETURNING brings back (see `shapeOf`). */
  returned: SqlColumn[]
  /** `RETURNING …`, or '' when nothing needs to come back. */
  returning: string
  /** Only the auto-increment id comes back, which a single-row INSERT reports as insertId anyway. */
  isIdOnly: boolean
}

/** One INSERT statement: rows of one shape (indexes into the caller's list) and their encoded values. */
interface InsertBatch {
  shape: InsertShape
  indexes: number[]
  values: unknown[]
}

const INTEGER_KINDS = new Set(['smallint', 'integer', 'bigint'])

/** What a `defaultFn` makes in JS, for a column without a database default. */
function defaultFnValue(defaultFn: unknown): (() => unknown) | undefined {
  if (defaultFn === undefined || defaultFn === null) return undefined
  const fn = String(defaultFn).toLowerCase()
  if (fn === 'now') return () => new Date()
  if (fn === 'uuid' || fn === 'uuidv4' || fn === 'guid') return () => randomUUID()
  return undefined
}

/** The DML adapter with the server's additions, per datasource connection. */
const serverCapabilities = new WeakMap<Connection, Promise<DmlAdapter>>()

/** A bound value's size in the statement text, erring high: UTF-8 and escaping for text, hex for bytes. */
function approxBytes(v: unknown): number {
  if (typeof v === 'string') return v.length * 3 + 4
  if (v instanceof Uint8Array) return v.length * 2 + 5
  return 32
}

/** A repository backend over a SQL dialect; statement text is built once per shape and reused. */
export class SqlBackend implements RepositoryBackend {
  private readonly codec: RowCodec
  private readonly shapes = new Map<number | string, InsertShape>()
  private readonly selectAll: string
  /** Generated numeric id the engine reports through insertId (no RETURNING). */
  private readonly autoIdIndex: number
  /** `dialect.dml` with the server's additions, once known. */
  private caps?: DmlAdapter

  constructor(
    readonly meta: ModelMeta,
    readonly dialect: Dialect,
    private readonly connection: () => Promise<Connection>,
    options: { naming?: import('../schema/naming.js').NamingConvention; schema?: string },
  ) {
    this.codec = new RowCodec(meta, dialect, options)
    this.selectAll = `SELECT ${this.codec.allColumns} FROM ${this.codec.table}`
    // A generated id in an integer column is the engine's, whatever its property's type (the
    // juggler makes a generated string id without defaultFn an integer serial).
    const auto = this.codec.columns.find((c) => c.property.isGenerated && (c.property.type === 'number' || INTEGER_KINDS.has(c.column.type.kind)))
    this.autoIdIndex = auto ? auto.property.index : -1
    this.uuidIds = this.codec.columns.filter((c) => c.property.isGenerated && c.property.index !== this.autoIdIndex).map((c) => c.property.index)
    this.filledHere = this.codec.columns.flatMap((c) => {
      const fill = c.column.default || c.property.isGenerated ? undefined : defaultFnValue(c.property.definition.defaultFn)
      return fill ? [{ index: c.property.index, fill }] : []
    })
  }

  /** Generated string ids: a uuid made here where the dialect says so (`generatesUuidsInClient`). */
  private readonly uuidIds: number[]
  /** defaultFn values the table has no default for (LoopBack's tables): made here, as the juggler makes them. */
  private readonly filledHere: Array<{ index: number; fill: () => unknown }>

  private params() {
    return new Params(this.dialect)
  }

  async insert(rows: RowValues[], conn?: Connection): Promise<RowData[]> {
    if (rows.length === 0) return []
    const c = conn ?? (await this.connection())
    const caps = this.caps ?? (await this.serverDml(c))
    if (this.dialect.dml.generatesUuidsInClient) this.fillGeneratedUuids(rows)
    for (const { index, fill } of this.filledHere) for (const r of rows) if (r[index] === undefined) r[index] = fill()
    const groups = new Map<InsertShape, number[]>()
    for (let i = 0; i < rows.length; i++) {
      const shape = this.shapeOf(rows[i]!)
      let g = groups.get(shape)
      if (!g) groups.set(shape, (g = []))
      g.push(i)
    }
    const batches: InsertBatch[] = []
    for (const [shape, indexes] of groups) this.splitBatches(shape, indexes, rows, caps, batches)
    // One statement is atomic by itself; several share one transaction (a savepoint when already inside one).
    if (batches.length === 1) return this.insertBatch(c, caps, batches[0]!, rows)
    return c.transaction(async (tx) => {
      const out: RowData[] = new Array(rows.length)
      for (const batch of batches) {
        const stored = await this.insertBatch(tx, caps, batch, rows)
        for (let k = 0; k < batch.indexes.length; k++) out[batch.indexes[k]!] = stored[k]!
      }
      return out
    })
  }

  /** The dialect's DML adapter with what the server adds (MariaDB's RETURNING), read once per datasource connection. */
  private async serverDml(conn: Connection): Promise<DmlAdapter> {
    // Keyed by the datasource's connection, so every repository shares one look-up; run on the
    // connection in hand (a transaction's may be the pool's only one).
    const root = await this.connection()
    let found = serverCapabilities.get(root)
    if (!found) {
      found = this.dialect.dml.forConnection(conn)
      serverCapabilities.set(root, found)
      found.catch(() => serverCapabilities.delete(root))
    }
    return (this.caps = await found)
  }

  /** Rows per INSERT: under the engine's bind-parameter limit; one at a time when only a single-row INSERT tells its id for sure. */
  private rowsPerStatement(shape: InsertShape, caps: DmlAdapter): number {
    if (shape.columns.length === 0) return 1
    if (!caps.supportsReturning && this.autoIdIndex >= 0) {
      // An explicit id column may hold NULLs (ids generated among given ones): no promise then.
      if (caps.insertIdStep === undefined || shape.columns.some((c) => c.property.index === this.autoIdIndex)) return 1
    }
    return Math.max(1, Math.floor(caps.maxParameters / shape.columns.length))
  }

  /** Encodes the rows of one shape into statements of at most `rowsPerStatement` rows and `maxStatementBytes`. */
  private splitBatches(shape: InsertShape, indexes: number[], rows: RowValues[], caps: DmlAdapter, out: InsertBatch[]) {
    const cols = shape.columns
    const width = cols.length
    const perBatch = this.rowsPerStatement(shape, caps)
    // Room for the statement's own text (column and RETURNING lists); values are measured generously.
    const budget = caps.maxStatementBytes && perBatch > 1 ? Math.max(1024, caps.maxStatementBytes - 65_536) : Infinity
    const open = (from: number): InsertBatch => ({ shape, indexes: [], values: new Array(Math.min(perBatch, indexes.length - from) * width) })
    let batch = open(0)
    let k = 0
    let bytes = 0
    for (let n = 0; n < indexes.length; n++) {
      const i = indexes[n]!
      const row = rows[i]!
      if (batch.indexes.length === perBatch) {
        out.push(batch)
        batch = open(n)
        k = 0
        bytes = 0
      }
      const values = batch.values
      const start = k
      let rowBytes = 0
      for (let j = 0; j < width; j++) {
        const c = cols[j]!
        const v = row[c.property.index]
        const e = v === null || !c.encode ? v : c.encode(v)
        values[k++] = e
        if (budget !== Infinity) rowBytes += approxBytes(e)
      }
      if (bytes + rowBytes > budget && batch.indexes.length > 0) {
        // Too big with this row: close the statement before it and start the next with it.
        const moved = values.slice(start, k)
        values.length = start
        out.push(batch)
        batch = open(n)
        for (k = 0; k < width; k++) batch.values[k] = moved[k]
        bytes = 0
      }
      batch.indexes.push(i)
      bytes += rowBytes
    }
    batch.values.length = k
    out.push(batch)
  }

  private fillGeneratedUuids(rows: RowValues[]) {
    for (const i of this.uuidIds) for (const r of rows) if (r[i] == null) r[i] = randomUUID()
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
      const given = this.codec.columns.filter((_, i) => row[i] !== undefined)
      // A family without RETURNING in general (MySQL; MariaDB has it) stores what was sent plus
      // what the database filled, whichever server; so RETURNING brings back only the latter.
      const returned = this.dialect.dml.supportsReturning
        ? this.codec.columns
        : this.codec.columns.filter((c) => !given.includes(c) || c.property.isGenerated)
      const returning = returned.length ? ` RETURNING ${returned.map((c) => c.quoted).join(', ')}` : ''
      const isIdOnly = !this.dialect.dml.supportsReturning && returned.length === 1 && returned[0]!.property.index === this.autoIdIndex
      shape = { columns: given, sqlByRows: new Map(), returned, returning, isIdOnly }
      this.shapes.set(key, shape)
    }
    return shape
  }

  private insertSql(shape: InsertShape, rowCount: number, caps: DmlAdapter): string {
    let sql = shape.sqlByRows.get(rowCount)
    if (sql) return sql
    const returning = this.isReturning(shape, rowCount, caps) ? shape.returning : ''
    const cols = shape.columns
    if (cols.length === 0) sql = `INSERT INTO ${this.codec.table} ${caps.emptyInsertValues}${returning}`
    else {
      let tuples: string
      if (caps.placeholder === 'question') tuples = `, (${'?, '.repeat(cols.length - 1)}?)`.repeat(rowCount).slice(2)
      else {
        const p = this.params()
        const list: string[] = new Array(rowCount)
        for (let r = 0; r < rowCount; r++) list[r] = `(${cols.map(() => p.add(null)).join(', ')})`
        tuples = list.join(', ')
      }
      sql = `INSERT INTO ${this.codec.table} (${cols.map((c) => c.quoted).join(', ')}) VALUES ${tuples}${returning}`
    }
    // Keep the single-row and full-batch texts (the ones that recur) and the latest other size
    // (a createAll of the same length repeated), not every tail size.
    if (rowCount !== 1 && rowCount !== this.rowsPerStatement(shape, caps)) {
      if (shape.tailRows !== undefined) shape.sqlByRows.delete(shape.tailRows)
      shape.tailRows = rowCount
    }
    shape.sqlByRows.set(rowCount, sql)
    return sql
  }

  /** Whether an INSERT of these rows ends in RETURNING (a bare one is cheaper where insertId tells all). */
  private isReturning(shape: InsertShape, rowCount: number, caps: DmlAdapter): boolean {
    return caps.supportsReturning && shape.returning !== '' && !(shape.isIdOnly && rowCount === 1)
  }

  private async insertBatch(conn: Connection, caps: DmlAdapter, batch: InsertBatch, all: RowValues[]): Promise<RowData[]> {
    const { shape, indexes } = batch
    const result = await conn.query<Record<string, unknown>>(this.insertSql(shape, indexes.length, caps), batch.values)
    const isReturning = this.isReturning(shape, indexes.length, caps)
    if (isReturning && shape.returned === this.codec.columns) return result.rows.map((r) => this.codec.decode(r))
    // The stored row is what was sent, plus what the database filled: the returned columns, or
    // the ids the engine reports, the first as insertId and the others following it
    // (rowsPerStatement allows several rows only then).
    const step = caps.insertIdStep ?? 1
    const auto = this.autoIdIndex >= 0 ? this.meta.properties[this.autoIdIndex]!.name : undefined
    const properties = this.meta.properties
    const sent = indexes.map((i, k) => {
      const row = all[i]!
      const data: RowData = {}
      for (let j = 0; j < properties.length; j++) data[properties[j]!.name] = row[properties[j]!.index] ?? null
      if (isReturning) Object.assign(data, this.codec.decode(result.rows[k]!, shape.returned))
      else if (auto && row[this.autoIdIndex] == null && result.insertId !== undefined) data[auto] = Number(result.insertId) + k * step
      return data
    })
    if (isReturning) return sent
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
