import { randomUUID } from 'node:crypto'
import { isRowStore, type MemoryTable } from '../datasource/memory/memory-connection.js'
import type { Connection } from '../dialects/connection.js'
import { ShipshapeError } from '../errors.js'
import type { RepositoryBackend, RowData } from './backend.js'
import type { Condition, NormalizedFilter } from './filter.js'
import { matches, sortRows } from './memory-evaluate.js'
import type { ModelMeta, PropertyMeta } from './model-meta.js'
import type { RowValues } from './validate.js'

/** A copy, so callers can't change stored rows through the objects they hold. */
function copy(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v
  if (v instanceof Date) return new Date(v.getTime())
  if (Buffer.isBuffer(v)) return Buffer.from(v)
  return structuredClone(v)
}

/** A repository backend over the memory connector's store, with the SQL backends' semantics. */
export class MemoryBackend implements RepositoryBackend {
  /** `strict: false`: rows keep properties the model doesn't define, as LoopBack's memory connector does. */
  private readonly isStrict: boolean

  /** `source` names the datasource and connector for the error when its connection keeps no rows. */
  constructor(
    readonly meta: ModelMeta,
    private readonly connection: () => Promise<Connection>,
    private readonly source: string,
  ) {
    this.isStrict = meta.definition.settings?.strict !== false
  }

  private async table(conn?: Connection): Promise<MemoryTable> {
    const store = conn ?? (await this.connection())
    if (!isRowStore(store))
      throw new ShipshapeError('UNSUPPORTED_CONNECTOR', `${this.source} has no SQL dialect and is not the memory connector; repositories cannot use it.`)
    return store.table(this.meta.name)
  }

  private idKey(row: Record<string, unknown>): string {
    return JSON.stringify(this.meta.ids.map((p) => (row[p.name] instanceof Date ? (row[p.name] as Date).toISOString() : row[p.name])))
  }

  /** What the database would fill in: generated ids, `default` and `defaultFn`. */
  private initial(p: PropertyMeta, t: MemoryTable): unknown {
    if (p.isGenerated) return p.type === 'number' ? t.nextId++ : randomUUID()
    const d = p.definition
    if (d.defaultFn !== undefined) {
      const fn = String(d.defaultFn).toLowerCase()
      if (fn === 'now') return new Date()
      if (fn === 'uuid' || fn === 'uuidv4' || fn === 'guid') return randomUUID()
    }
    if (d.default !== undefined && d.default !== null) return p.type === 'date' ? new Date(d.default as string) : copy(d.default)
    return null
  }

  async insert(rows: RowValues[], conn?: Connection, extras?: Array<Record<string, unknown> | undefined>): Promise<RowData[]> {
    const t = await this.table(conn)
    const nextId = t.nextId
    const staged: Array<[string, Record<string, unknown>]> = []
    const seen = new Set<string>()
    for (const [i, values] of rows.entries()) {
      const row: Record<string, unknown> = {}
      const more = this.isStrict ? undefined : extras?.[i]
      if (more) for (const k of Object.keys(more)) row[k] = copy(more[k])
      for (const p of this.meta.properties) {
        const v = values[p.index]
        row[p.name] = v === undefined ? this.initial(p, t) : copy(v)
        if (p.isGenerated && p.type === 'number' && typeof v === 'number' && v >= t.nextId) t.nextId = Math.floor(v) + 1
      }
      const k = this.idKey(row)
      if (t.rows.has(k) || seen.has(k)) {
        t.nextId = nextId
        throw new ShipshapeError('DUPLICATE_ID', `Model "${this.meta.name}": a row with id ${k.slice(1, -1)} already exists.`)
      }
      seen.add(k)
      staged.push([k, row])
    }
    for (const [k, row] of staged) t.rows.set(k, row)
    return staged.map(([, row]) => this.output(row))
  }

  private output(row: Record<string, unknown>, fields?: PropertyMeta[]): RowData {
    const out: RowData = {}
    if (!this.isStrict && !fields) for (const k of Object.keys(row)) if (!this.meta.byName.has(k)) out[k] = copy(row[k])
    for (const p of fields ?? this.meta.properties) out[p.name] = copy(row[p.name] ?? null)
    return out
  }

  private select(t: MemoryTable, where: Condition | undefined): Array<[string, Record<string, unknown>]> {
    const out: Array<[string, Record<string, unknown>]> = []
    for (const entry of t.rows) if (!where || matches(entry[1], where)) out.push(entry)
    return out
  }

  async find(filter: NormalizedFilter, conn?: Connection): Promise<RowData[]> {
    const t = await this.table(conn)
    let rows = this.select(t, filter.where).map(([, r]) => r)
    sortRows(rows, filter.order)
    if (filter.skip !== undefined || filter.limit !== undefined)
      rows = rows.slice(filter.skip ?? 0, filter.limit === undefined ? undefined : (filter.skip ?? 0) + filter.limit)
    return rows.map((r) => this.output(r, filter.fields))
  }

  async count(where: Condition | undefined, conn?: Connection): Promise<number> {
    return this.select(await this.table(conn), where).length
  }

  async update(values: RowValues, where: Condition | undefined, conn?: Connection, extras?: Record<string, unknown>, isReplace?: boolean): Promise<number> {
    const t = await this.table(conn)
    const selected = this.select(t, where)
    for (const [k, row] of selected) {
      // A new object per row: transactions snapshot the maps, not the rows.
      const next = { ...row }
      if (!this.isStrict) {
        if (isReplace) for (const key of Object.keys(next)) if (!this.meta.byName.has(key)) delete next[key]
        if (extras) for (const key of Object.keys(extras)) next[key] = copy(extras[key])
      }
      for (const p of this.meta.properties) if (values[p.index] !== undefined) next[p.name] = copy(values[p.index])
      t.rows.set(k, next)
    }
    return selected.length
  }

  async delete(where: Condition | undefined, conn?: Connection): Promise<number> {
    const t = await this.table(conn)
    const selected = this.select(t, where)
    for (const [k] of selected) t.rows.delete(k)
    return selected.length
  }
}
