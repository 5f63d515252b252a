import type { Change } from './changes.js'
import type { Column, Database, ForeignKey, Index, Table, TableRef } from './ir.js'
import { findTable, tableKey } from './ir.js'
import { sameDefault, sameType } from './normalize.js'

/** Something the live schema has that the models don't declare, left alone and reported. */
export interface Drift {
  /**
   * case-twin: a table the plan creates beside one whose name differs only in case (a naming mismatch).
   * held: a table whose changes wait because something else owns it for now (an expand in flight).
   */
  kind: 'unmanaged-index' | 'unmanaged-foreign-key' | 'removed-column' | 'opaque-index' | 'case-twin' | 'held'
  table: TableRef
  name: string
  model?: string
  message: string
}

export interface DiffOptions {
  /** What to do with a column whose property was removed: keep it (default) or drop it. */
  removedColumns?: 'keep' | 'drop'
}

export interface DiffResult {
  changes: Change[]
  drift: Drift[]
}

/**
 * Compares the live schema with the desired one (both normalised) and lists the changes
 * that make the first into the second. Only the desired tables are looked at.
 */
export function diffDatabases(current: Database, desired: Database, options: DiffOptions = {}): DiffResult {
  const changes: Change[] = missingSchemas(current, desired)
  const drift: Drift[] = []
  for (const want of desired.tables) {
    let have = findTable(current, want)
    if (!have && want.renamedFrom) {
      const old = findTable(current, { schema: want.schema, name: want.renamedFrom })
      if (old) {
        changes.push({ kind: 'rename-table', table: ref(want), from: old.name, model: want.model })
        have = { ...old, name: want.name }
      }
    }
    if (!have) {
      changes.push(...createTableChanges(want))
      continue
    }
    diffTables(have, want, options, changes, drift)
  }
  return { changes, drift }
}

/** Schemas the desired tables live in that the database lacks (only where introspection says which exist). */
export function missingSchemas(current: Database, desired: Database): Change[] {
  if (!current.schemas) return []
  const have = new Set(current.schemas)
  const out: Change[] = []
  for (const t of desired.tables)
    if (t.schema && !have.has(t.schema)) {
      have.add(t.schema)
      out.push({ kind: 'create-schema', schema: t.schema })
    }
  return out
}

/** A new table: the table itself, then its indexes and foreign keys as their own changes. */
export function createTableChanges(want: Table): Change[] {
  const t = ref(want)
  return [
    { kind: 'create-table', table: { ...want, indexes: [], foreignKeys: [] } },
    ...want.indexes.map((index): Change => ({ kind: 'add-index', table: t, index, model: want.model, isNewTable: true })),
    ...want.foreignKeys.map(
      (foreignKey): Change => ({ kind: 'add-foreign-key', table: t, foreignKey, model: want.model, isNewTable: true }),
    ),
  ]
}

/** What one table's diff appends to: the changes that make it and what it leaves alone. */
interface TableDiff {
  t: TableRef
  model?: string
  changes: Change[]
  drift: Drift[]
}

/** The changes that make table `have` into `want`, one object kind after another. */
export function diffTables(have: Table, want: Table, options: DiffOptions, changes: Change[], drift: Drift[]) {
  const out: TableDiff = { t: ref(want), model: want.model, changes, drift }
  const renamed = diffColumns(have, want, options, out)
  // The engine renames columns inside indexes, keys and the primary key too.
  if (renamed.size) have = renameColumnsIn(have, renamed)
  diffPrimaryKey(have, want, out)
  diffIndexes(have, want, out)
  diffForeignKeys(have, want, out)
}

/** Columns renamed, added, altered and removed; returns the renames (old name → new). */
function diffColumns(have: Table, want: Table, options: DiffOptions, out: TableDiff): Map<string, string> {
  const { t, model, changes } = out
  const haveCols = new Map(have.columns.map((c) => [c.name, c]))
  const wantNames = new Set(want.columns.map((c) => c.name))
  const renamed = new Map<string, string>()
  const added: Extract<Change, { kind: 'add-column' }>[] = []
  for (const col of want.columns) {
    let cur = haveCols.get(col.name)
    const old = want.renamedColumns?.[col.name]
    if (!cur && old && haveCols.has(old) && !wantNames.has(old)) {
      changes.push({ kind: 'rename-column', table: t, from: old, to: col.name, model, property: col.property })
      renamed.set(old, col.name)
      cur = { ...haveCols.get(old)!, name: col.name }
      haveCols.delete(old)
      haveCols.set(col.name, cur)
    }
    if (!cur) {
      const add: Extract<Change, { kind: 'add-column' }> = { kind: 'add-column', table: t, column: col, model }
      added.push(add)
      changes.push(add)
      continue
    }
    const alter = alterColumn(cur, col, out)
    if (alter) changes.push(alter)
  }
  for (const [name, cur] of haveCols) if (!wantNames.has(name)) removeColumn(cur, added, options, out)
  return renamed
}

/** The change that makes column `cur` into `col`, if they differ. */
function alterColumn(cur: Column, col: Column, { t, model }: TableDiff): Change | undefined {
  const aspects: Array<'type' | 'nullable' | 'default' | 'auto-increment'> = []
  // A type the column may keep: any other change to it restates the live type.
  const live = cur.type
  if (!sameType(live, col.type) && col.alsoAccepts?.some((t) => sameType(live, t))) col = { ...col, type: live }
  if (!sameType(cur.type, col.type)) aspects.push('type')
  if (cur.isNullable !== col.isNullable) aspects.push('nullable')
  if (!!cur.isAutoIncrement !== !!col.isAutoIncrement) aspects.push('auto-increment')
  // An auto-increment column's default is the engine's sequence; don't compare it.
  else if (!col.isAutoIncrement && !sameDefault(cur.default, col.default)) aspects.push('default')
  return aspects.length ? { kind: 'alter-column', table: t, from: cur, to: col, aspects, model } : undefined
}

/** A live column no property declares: dropped, or kept and reported (the default). */
function removeColumn(cur: Column, added: Extract<Change, { kind: 'add-column' }>[], options: DiffOptions, { t, model, changes, drift }: TableDiff) {
  const name = cur.name
  // Dropping one column while adding another of the same kind looks like an undeclared rename.
  const twin = added.find((a) => a.column.type.kind === cur.type.kind)
  const renameCandidate = twin ? (twin.column.property ?? twin.column.name) : undefined
  if (options.removedColumns === 'drop')
    changes.push({ kind: 'drop-column', table: t, column: cur, model, ...(renameCandidate ? { renameCandidate } : {}) })
  else
    drift.push({
      kind: 'removed-column',
      table: t,
      name,
      model,
      message:
        `column "${name}" of table "${tableKey(t)}" is not declared by model "${model}"; kept (removedColumns: 'keep')` +
        (renameCandidate
          ? `. If property "${renameCandidate}" is this column renamed, declare {renamedFrom: '${name}'} on it to keep the data`
          : ''),
    })
}

function diffPrimaryKey(have: Table, want: Table, { t, model, changes }: TableDiff) {
  const havePk = have.primaryKey?.columns ?? []
  const wantPk = want.primaryKey?.columns ?? []
  if (havePk.join('\0') !== wantPk.join('\0'))
    changes.push({ kind: 'set-primary-key', table: t, from: have.primaryKey, to: want.primaryKey, model })
}

function diffIndexes(have: Table, want: Table, { t, model, changes, drift }: TableDiff) {
  const haveIx = new Map(have.indexes.map((i) => [i.name, i]))
  const adopted = new Set<string>()
  for (const ix of want.indexes) {
    const cur = haveIx.get(ix.name)
    if (cur && sameIndex(cur, ix) && !cur.isInvalid) continue
    if (cur) changes.push({ kind: 'drop-index', table: t, index: cur, model })
    // A valid build of the same definition that a killed process never renamed: finish it.
    const unfinished = cur ? undefined : have.indexes.find((i) => i.isUnfinishedBuild && !i.isInvalid && !adopted.has(i.name) && sameIndex(i, ix))
    if (unfinished) adopted.add(unfinished.name)
    changes.push({ kind: 'add-index', table: t, index: ix, model, ...(unfinished ? { adoptFrom: unfinished.name } : {}) })
  }
  const wantIx = new Set(want.indexes.map((i) => i.name))
  for (const cur of have.indexes) {
    if (wantIx.has(cur.name) || adopted.has(cur.name)) continue
    if (cur.isOwned && !cur.isOpaque) changes.push({ kind: 'drop-index', table: t, index: cur, model })
    else
      drift.push({
        kind: cur.isOpaque ? 'opaque-index' : 'unmanaged-index',
        table: t,
        name: cur.name,
        model,
        message: `index "${cur.name}" on "${tableKey(t)}" was not made by Shipshape; left alone`,
      })
  }
}

function diffForeignKeys(have: Table, want: Table, { t, model, changes, drift }: TableDiff) {
  const haveFk = new Map(have.foreignKeys.map((f) => [f.name, f]))
  for (const fk of want.foreignKeys) {
    const cur = haveFk.get(fk.name)
    if (cur && sameForeignKey(cur, fk, want) && cur.isValidated !== false) continue
    if (cur) changes.push({ kind: 'drop-foreign-key', table: t, foreignKey: cur, model })
    changes.push({ kind: 'add-foreign-key', table: t, foreignKey: fk, model })
  }
  const wantFk = new Set(want.foreignKeys.map((f) => f.name))
  for (const cur of have.foreignKeys) {
    if (wantFk.has(cur.name)) continue
    if (cur.isOwned) changes.push({ kind: 'drop-foreign-key', table: t, foreignKey: cur, model })
    else
      drift.push({
        kind: 'unmanaged-foreign-key',
        table: t,
        name: cur.name,
        model,
        message: `foreign key "${cur.name}" on "${tableKey(t)}" was not made by Shipshape; left alone`,
      })
  }
}

/** `table` as it is after its columns are renamed (RENAME COLUMN keeps indexes, keys and the primary key, renamed with it). */
function renameColumnsIn(table: Table, renamed: Map<string, string>): Table {
  const name = (n: string) => renamed.get(n) ?? n
  return {
    ...table,
    ...(table.primaryKey ? { primaryKey: { ...table.primaryKey, columns: table.primaryKey.columns.map(name) } } : {}),
    indexes: table.indexes.map((ix) => ({ ...ix, columns: ix.columns.map((c) => ({ ...c, name: name(c.name) })) })),
    foreignKeys: table.foreignKeys.map((fk) => ({ ...fk, columns: fk.columns.map(name) })),
  }
}

export function sameIndex(a: Index, b: Index): boolean {
  return (
    a.isUnique === b.isUnique &&
    a.columns.length === b.columns.length &&
    a.columns.every((c, i) => c.name === b.columns[i]!.name && c.order === b.columns[i]!.order)
  )
}

export function sameForeignKey(a: ForeignKey, b: ForeignKey, owner: TableRef): boolean {
  const schemaOf = (f: ForeignKey) => f.references.schema ?? owner.schema
  return (
    a.columns.join('\0') === b.columns.join('\0') &&
    a.references.table === b.references.table &&
    schemaOf(a) === schemaOf(b) &&
    a.references.columns.join('\0') === b.references.columns.join('\0') &&
    a.onDelete === b.onDelete &&
    a.onUpdate === b.onUpdate
  )
}

function ref(t: TableRef): TableRef {
  return t.schema ? { schema: t.schema, name: t.name } : { name: t.name }
}
