import type { Dialect, ValueConverter } from '../dialects/dialect.js'
import type { ModelDefinition } from '../model/definition.js'
import { schemaFromModels } from '../schema/from-model.js'
import type { Column } from '../schema/ir.js'
import type { NamingConvention } from '../schema/naming.js'
import type { ModelMeta, PropertyMeta } from './model-meta.js'
import { storageConverters } from './storage-codec.js'

/** One property's column: its quoted name and converters, chosen once. */
export interface SqlColumn {
  property: PropertyMeta
  column: Column
  name: string
  quoted: string
  encode?: ValueConverter
  decode?: ValueConverter
}

/**
 * A model's table as SQL pieces, computed once per repository from the same mapping the
 * migrator uses (`schemaFromModels`), so naming conventions, `columnName`, `table` and
 * `schema` settings resolve identically.
 */
export class RowCodec {
  readonly table: string
  /** Aligned with `meta.properties`. */
  readonly columns: SqlColumn[]
  /** Every column, quoted and comma separated (SELECT and RETURNING lists). */
  readonly allColumns: string

  constructor(
    readonly meta: ModelMeta,
    readonly dialect: Dialect,
    options: { naming?: NamingConvention; schema?: string },
  ) {
    // Foreign keys only refine the referencing column's integer type, which reading and writing
    // don't depend on, and would require every referenced model to be known here.
    const def: ModelDefinition = { ...meta.definition, relations: {}, settings: { ...meta.definition.settings, foreignKeys: {}, relations: {} } }
    const { mappings } = schemaFromModels([def], dialect, { naming: options.naming, defaultSchema: options.schema })
    const { table, columns } = mappings[0]!
    const q = (n: string) => dialect.quoteIdentifier(n)
    this.table = table.schema ? `${q(table.schema)}.${q(table.name)}` : q(table.name)
    const conventions = options.naming === 'loopback' ? dialect.loopback : undefined
    this.columns = meta.properties.map((p) => {
      const name = columns[p.name]!
      const column = table.columns.find((c) => c.name === name)!
      return { property: p, column, name, quoted: q(name), ...storageConverters(p, column, dialect, conventions) }
    })
    this.allColumns = this.columns.map((c) => c.quoted).join(', ')
  }

  /** A JS value as the driver binds it for this column. */
  encode(c: SqlColumn, value: unknown): unknown {
    return value === null || value === undefined || !c.encode ? (value ?? null) : c.encode(value)
  }

  /** A driver row (keyed by column name) as property values. */
  decode(row: Record<string, unknown>, columns: readonly SqlColumn[] = this.columns): Record<string, unknown> {
    const data: Record<string, unknown> = {}
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i]!
      const v = row[c.name]
      data[c.property.name] = v === null || v === undefined ? null : c.decode ? c.decode(v) : v
    }
    return data
  }
}
