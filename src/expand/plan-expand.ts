import type { ModelDefinition, PropertyDefinition } from '../model/definition.js'
import type { Change } from '../schema/changes.js'
import type { Column, Database, Table } from '../schema/ir.js'
import { findColumn, findTable, tableKey } from '../schema/ir.js'
import { describeLocation } from '../schema/plan.js'
import type { ExpandPlan, ExpandTable } from './expand-plan.js'
import { expandTable, objectName, summaryOf, versionSchema, type Reshaping } from './expand-table.js'

/**
 * What a property may declare for an expand: SQL computing its value from the old version's
 * columns (`up`, by their old names) and the old column's value from the new version's columns
 * (`down`, by their new names).
 * @example {type: 'number', renamedFrom: 'age', expand: {up: `nullif(trim(age), '')::integer`, down: 'age::text'}}
 */
export interface PropertyExpandSettings {
  up?: string
  down?: string
}

export interface PlanExpandInput {
  current: Database
  desired: Database
  /** The auto-update diff of current → desired. */
  changes: Change[]
  models: ModelDefinition[]
  schema: string
  from: string
  to: string
  /** Largest identifier the engine keeps. */
  maxIdentifierLength: number
  renderType(type: Column['type']): string
}

/** What planning an expand gathers while it goes through the diff. */
interface Planning {
  input: PlanExpandInput
  refused: string[]
  additive: Change[]
  tables: Map<string, Reshaping>
  /** Renamed columns: `table\0new name` → old name. */
  renamed: Map<string, string>
}

/**
 * Splits an auto-update diff into what breaks no running version (applied as is) and the columns
 * that need both shapes at once (reshaped), and refuses what can't be made safe, with the reason.
 */
export function planExpand(input: PlanExpandInput): { plan: ExpandPlan; refused: string[] } {
  const { changes, schema, from, to, maxIdentifierLength } = input
  const p: Planning = { input, refused: [], additive: [], tables: new Map(), renamed: new Map() }
  // Renames first: a later change to the same column sees it under its new name.
  for (const c of changes)
    if (c.kind === 'rename-column') {
      p.renamed.set(`${tableKey(c.table)}\0${c.to}`, c.from)
      reshape(p, c.table).columns.push({ kind: 'rename', from: c.from, to: c.to, property: c.property })
    }
  for (const c of changes) planChange(p, c)
  addDeclaredDowns(p)

  const tables: ExpandTable[] = []
  for (const t of p.tables.values()) {
    if (!t.columns.length) continue
    const e = expandTable(t, input)
    if ('refused' in e) p.refused.push(e.refused)
    else tables.push(e)
  }
  return {
    plan: {
      schema,
      from,
      to,
      oldSchema: versionSchema(schema, from, maxIdentifierLength),
      newSchema: versionSchema(schema, to, maxIdentifierLength),
      additive: p.additive,
      tables,
      summary: summaryOf(tables),
    },
    refused: p.refused,
  }
}

/** The table's reshaping, started on first use. */
function reshape(p: Planning, ref: { schema?: string; name: string }): Reshaping {
  const want = findTable(p.input.desired, ref)!
  const key = tableKey(want)
  let t = p.tables.get(key)
  if (!t) p.tables.set(key, (t = { have: findTable(p.input.current, want)!, want, columns: [] }))
  return t
}

function modelOf(p: Planning, name?: string): ModelDefinition | undefined {
  return p.input.models.find((m) => m.name === name)
}

/** The `expand` settings of a property (`up`, `down`), or none. */
function expandOf(p: Planning, model?: string, property?: string): PropertyExpandSettings {
  const prop: PropertyDefinition | undefined = property ? modelOf(p, model)?.properties[property] : undefined
  return (prop?.expand as PropertyExpandSettings | undefined) ?? {}
}

/** The `down` expressions of a model's settings, per old column. */
function declaredDowns(p: Planning, model?: string): Record<string, string> {
  return (modelOf(p, model)?.settings.expand as { down?: Record<string, string> } | undefined)?.down ?? {}
}

/** Where a change is, for messages: table, column, model and property. */
function whereOf(c: Change, column?: string, property?: string): string {
  return describeLocation(changeRef(c), column, 'model' in c ? (c.model as string | undefined) : undefined, property)
}

/** Sorts one change: additive as is, reshaped beside the old shape, waiting for contract, or refused. */
function planChange(p: Planning, c: Change) {
  switch (c.kind) {
    case 'create-schema':
    case 'create-table':
      p.additive.push(c)
      return
    case 'rename-column':
      return
    case 'add-column':
      return planAddColumn(p, c)
    case 'alter-column':
      return planAlterColumn(p, c)
    case 'drop-column': {
      const down = declaredDowns(p, c.model)[c.column.name]
      reshape(p, c.table).columns.push({ kind: 'remove', column: c.column, down, drop: true, madeNullable: !down && !c.column.isNullable && !c.column.default })
      return
    }
    case 'add-index':
    case 'add-foreign-key': {
      const cols = c.kind === 'add-index' ? c.index.columns.map((x) => x.name) : c.foreignKey.columns
      // Over a column that is renamed or converted, the index waits for contract.
      const changes = p.input.changes
      const touches = cols.some(
        (n) =>
          p.renamed.has(`${tableKey(c.table)}\0${n}`) ||
          changes.some((x) => x.kind === 'alter-column' && tableKey(x.table) === tableKey(c.table) && x.to.name === n && x.aspects.includes('type')),
      )
      if (!touches) p.additive.push(c)
      return
    }
    case 'drop-index':
    case 'drop-foreign-key':
      // The old version may rely on them; contract's final auto-update drops them.
      return
    case 'drop-table':
    case 'rename-table':
    case 'set-primary-key':
    case 'rebuild-table':
      p.refused.push(`${whereOf(c)}: ${c.kind.replace('-', ' ')} can't be expanded beside the old version; apply it with auto-update once the old version is gone.`)
      return
    default: {
      const never: never = c
      throw new Error(`unknown change ${JSON.stringify(never)}`)
    }
  }
}

/** A new column: filled from the old version's writes by its `up`, added as is when it may be empty, refused otherwise. */
function planAddColumn(p: Planning, c: Extract<Change, { kind: 'add-column' }>) {
  const exp = expandOf(p, c.model, c.column.property)
  if (exp.up) reshape(p, c.table).columns.push({ kind: 'add', column: c.column, up: exp.up, property: c.column.property })
  else if (!c.column.isNullable && !c.column.default && !c.column.isAutoIncrement)
    p.refused.push(
      `${whereOf(c, c.column.name, c.column.property)}: a new required column without a default; the old version's inserts ` +
        `can't fill it. Declare {expand: {up: '<SQL over the old columns>'}} on the property (or a default).`,
    )
  else p.additive.push(c)
}

/** A changed column: converted into a new column beside the old when its type (or required with an `up`) changes. */
function planAlterColumn(p: Planning, c: Extract<Change, { kind: 'alter-column' }>) {
  const where = whereOf(c, c.to.name, c.to.property)
  const key = `${tableKey(c.table)}\0${c.to.name}`
  const exp = expandOf(p, c.model, c.to.property)
  const oldName = p.renamed.get(key) ?? c.from.name
  if (c.aspects.includes('auto-increment')) {
    p.refused.push(`${where}: becoming (or ceasing to be) generated by the database can't be expanded; use auto-update once the old version is gone.`)
    return
  }
  const needsNewColumn = c.aspects.includes('type') || (c.aspects.includes('nullable') && !c.to.isNullable && !!exp.up)
  if (needsNewColumn) {
    const t = reshape(p, c.table)
    const used = columnUse(t.have, oldName)
    if (used) {
      p.refused.push(`${where}: the column is part of ${used}; its type can't change beside the old one yet. Use auto-update once the old version is gone.`)
      return
    }
    // A rename folded into the conversion: the new column takes the new name at contract.
    t.columns = t.columns.filter((r) => !(r.kind === 'rename' && r.to === c.to.name))
    const fromCol = { ...c.from, name: oldName }
    const rt = p.input.renderType
    t.columns.push({
      kind: 'convert',
      from: fromCol,
      to: c.to,
      physical: objectName(p.input.maxIdentifierLength, '_shipshape_new', c.to.name),
      up: exp.up ?? `${quoteIdent(oldName)}::${rt(c.to.type)}`,
      down: exp.down ?? `${quoteIdent(c.to.name)}::${rt(fromCol.type)}`,
      isDeclared: !!exp.up,
      property: c.to.property,
    })
  } else if (c.aspects.includes('nullable') && !c.to.isNullable) {
    p.refused.push(
      `${where}: becomes required, but the old version may still write NULL. ` +
        `Declare {expand: {up: 'coalesce(<column>, <value>)'}} on the property, or make it required after contract.`,
    )
  } else if (!p.renamed.has(key)) p.additive.push(c)
  // A default or dropped NOT NULL on a renamed column waits for contract's final auto-update.
}

/** Columns the new version doesn't declare, with a `down` in the model's settings: filled from the new version's writes. */
function addDeclaredDowns(p: Planning) {
  for (const t of p.tables.values())
    for (const [name, expr] of Object.entries(declaredDowns(p, t.want.model))) {
      if (t.columns.some((r) => r.kind === 'remove' && r.column.name === name)) continue
      const col = findColumn(t.have, name)
      if (col && !findColumn(t.want, name) && !Object.values(t.want.renamedColumns ?? {}).includes(name))
        t.columns.push({ kind: 'remove', column: col, down: expr, drop: false, madeNullable: false })
    }
}

function changeRef(c: Change) {
  return c.kind === 'rebuild-table' ? c.to : c.kind === 'create-schema' ? { name: c.schema } : c.table
}

/** What keeps a column from being converted beside itself: a key or a unique index over it. */
function columnUse(t: Table, column: string): string | undefined {
  if (t.primaryKey?.columns.includes(column)) return 'the primary key'
  const fk = t.foreignKeys.find((f) => f.columns.includes(column))
  if (fk) return `foreign key "${fk.name}"`
  const ix = t.indexes.find((i) => i.isUnique && i.columns.some((c) => c.name === column))
  if (ix) return `unique index "${ix.name}"`
  return undefined
}

function quoteIdent(name: string) {
  return `"${name.replace(/"/g, '""')}"`
}
