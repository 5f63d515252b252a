import type { Dialect } from '../dialects/dialect.js'
import type { Condition } from './filter.js'
import type { RowCodec } from './row-codec.js'

/** Collects bound values and hands out placeholders in the dialect's style ($1 or ?). */
export class Params {
  readonly values: unknown[] = []
  private readonly isDollar: boolean
  constructor(dialect: Dialect) {
    this.isDollar = dialect.dml.placeholder === 'dollar'
  }
  add(value: unknown): string {
    this.values.push(value)
    return this.isDollar ? `$${this.values.length}` : '?'
  }
}

const OPS = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const

/**
 * A checked where clause as SQL: identifiers come from the model's mapping (quoted), values
 * are bound. A comparison with a NULL column is false, as SQL has it (and the memory connector follows).
 */
export function compileWhere(cond: Condition, codec: RowCodec, params: Params): string {
  switch (cond.kind) {
    case 'and':
    case 'or':
      return `(${cond.items.map((c) => compileWhere(c, codec, params)).join(cond.kind === 'and' ? ' AND ' : ' OR ')})`
    case 'compare': {
      const c = codec.columns[cond.property.index]!
      return `${c.quoted} ${OPS[cond.op]} ${params.add(codec.encode(c, cond.value))}`
    }
    case 'null':
      return `${codec.columns[cond.property.index]!.quoted} IS ${cond.isNegated ? 'NOT ' : ''}NULL`
    case 'in': {
      if (cond.values.length === 0) return cond.isNegated ? '1 = 1' : '1 = 0'
      const c = codec.columns[cond.property.index]!
      const encoded = cond.values.map((v) => codec.encode(c, v))
      const sql = codec.dialect.dml.renderInList(c.quoted, encoded, cond.isNegated, (v) => params.add(v))
      if (sql) return sql
      const list = encoded.map((v) => params.add(v)).join(', ')
      return `${c.quoted} ${cond.isNegated ? 'NOT IN' : 'IN'} (${list})`
    }
    case 'between': {
      const c = codec.columns[cond.property.index]!
      return `${c.quoted} BETWEEN ${params.add(codec.encode(c, cond.low))} AND ${params.add(codec.encode(c, cond.high))}`
    }
    case 'match': {
      const c = codec.columns[cond.property.index]!
      const dml = codec.dialect.dml
      // The placeholder is taken before the value is known (GLOB translation), so bind in two steps.
      const slot = params.values.length
      const m = dml.renderMatch(cond.op, c.quoted, params.add(cond.pattern))
      if (m.pattern) params.values[slot] = m.pattern(cond.pattern)
      return m.sql
    }
  }
}
