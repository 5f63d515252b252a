import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { DataSource } from '../datasource/datasource.js'
import type { Dialect } from '../dialects/dialect.js'
import { ShipshapeError } from '../errors.js'
import type { ModelDefinition, PropertyDefinition } from '../model/definition.js'
import { schemaFromModels } from '../schema/from-model.js'
import type { Column, ColumnType, Database, Table } from '../schema/ir.js'
import { applyNaming } from '../schema/naming.js'
import { sameType } from '../schema/normalize.js'
import { liveSchema } from './desired-schema.js'
import { HISTORY_TABLE } from './history.js'

export interface PullOptions {
  /** Folder for the model files. Default 'src/models'. */
  out?: string
  /** Only these tables (default: every base table of the datasource's schema, but the tracking table). */
  tables?: string[]
  /** Module the files import `Entity`, `model` and `property` from. Default 'shipshape'. */
  importFrom?: string
}

export interface PullResult {
  /** The model definitions written, one per table. */
  models: ModelDefinition[]
  files: string[]
  /** What the models can't say (SQL defaults, expression indexes, …): generating from them would differ here. */
  warnings: string[]
}

/**
 * Writes model classes (decorator form) describing an existing database's tables, so a team
 * can adopt Shipshape on a database it already has: pull, then `migration generate --from-db`
 * finds nothing to do, then `migration baseline`.
 * @example
 *   const {files, warnings} = await pullModels(ds, {out: 'src/models'})
 *   // src/models/todo.model.ts, src/models/todo-list.model.ts, src/models/index.ts (exports `models`)
 */
export async function pullModels(ds: DataSource, options: PullOptions = {}): Promise<PullResult> {
  const dialect = ds.dialect
  if (!dialect?.listTables)
    throw new ShipshapeError('MIGRATION_UNSUPPORTED', `Datasource "${ds.name}" can't list its tables; pull needs a SQL dialect that can.`)
  const conn = await ds.connection()
  let refs = (await dialect.listTables(conn, ds.settings.schema)).filter((t) => t.name !== HISTORY_TABLE)
  if (options.tables) refs = refs.filter((t) => options.tables!.includes(t.name))
  const unqualified = refs.map((r) => (ds.settings.schema ? r : { name: r.name }))
  const live = await liveSchema(dialect, conn, unqualified)

  const warnings: string[] = []
  const models = modelsFromSchema(live, dialect, ds, warnings)

  const out = resolve(options.out ?? 'src/models')
  mkdirSync(out, { recursive: true })
  const from = options.importFrom ?? 'shipshape'
  const files: string[] = []
  for (const m of models) {
    const file = join(out, `${kebab(m.name)}.model.ts`)
    writeFileSync(file, renderModelFile(m, from))
    files.push(file)
  }
  const index = join(out, 'index.ts')
  writeFileSync(
    index,
    `// Written by \`shipshape pull\`.\n` +
      models.map((m) => `import { ${m.name} } from './${kebab(m.name)}.model.js'`).join('\n') +
      `\n\nexport { ${models.map((m) => m.name).join(', ')} }\nexport const models = [${models.map((m) => m.name).join(', ')}]\n`,
  )
  files.push(index)
  return { models, files, warnings }
}

/** Model definitions whose schema, mapped back for this dialect, is the given one. */
export function modelsFromSchema(all: Database, dialect: Dialect, ds: Pick<DataSource, 'settings'>, warnings: string[] = []): ModelDefinition[] {
  const live: Database = { tables: all.tables.filter((t) => t.primaryKey?.columns.length) }
  for (const t of all.tables)
    if (!t.primaryKey?.columns.length) warnings.push(`table "${t.name}" has no primary key; models need an id, so it was left out`)
  const naming = ds.settings.naming ?? 'exact'
  const lower = dialect.capabilities.lowercasesLoopbackNames
  const used = new Set<string>()
  const modelName = new Map<string, string>()
  for (const t of live.tables) {
    let name = pascal(t.name)
    for (let i = 2; used.has(name); i++) name = `${pascal(t.name)}${i}`
    used.add(name)
    modelName.set(t.name, name)
  }
  const models: ModelDefinition[] = []
  for (const t of live.tables) {
    const name = modelName.get(t.name)!
    const properties: Record<string, PropertyDefinition> = {}
    const pk = t.primaryKey?.columns ?? []
    // A property is named as its column (columnName only where the naming would map it elsewhere).
    for (const c of t.columns) {
      properties[c.name] = propertyOf(c, pk, t, warnings)
      if (applyNaming(c.name, naming, lower) !== c.name) properties[c.name]!.columnName = c.name
    }
    const indexes = indexesOf(t, warnings)
    const foreignKeys = foreignKeysOf(t, live, modelName, warnings)
    models.push({
      name,
      properties,
      settings: {
        ...(applyNaming(name, naming, lower) !== t.name ? { table: t.name } : {}),
        ...(Object.keys(indexes).length ? { indexes } : {}),
        ...(Object.keys(foreignKeys).length ? { foreignKeys } : {}),
      },
    })
  }
  pinTypes(models, live, dialect, ds)
  return models
}

/** The table's indexes as `settings.indexes`; an expression or partial index can't be declared, and is left out. */
function indexesOf(t: Table, warnings: string[]): Record<string, { keys: Record<string, 1 | -1>; unique?: boolean }> {
  const indexes: Record<string, { keys: Record<string, 1 | -1>; unique?: boolean }> = {}
  for (const ix of t.indexes) {
    if (ix.isOpaque) {
      warnings.push(`index "${ix.name}" on "${t.name}" is an expression or partial index; models can't declare it (left alone as drift)`)
      continue
    }
    indexes[ix.name] = {
      keys: Object.fromEntries(ix.columns.map((c) => [c.name, c.order === 'desc' ? -1 : 1])),
      ...(ix.isUnique ? { unique: true } : {}),
    }
  }
  return indexes
}

/** The table's foreign keys as `settings.foreignKeys`, each to a pulled model; one to a table not pulled is left out. */
function foreignKeysOf(t: Table, live: Database, modelName: Map<string, string>, warnings: string[]): NonNullable<ModelDefinition['settings']['foreignKeys']> {
  const foreignKeys: NonNullable<ModelDefinition['settings']['foreignKeys']> = {}
  for (const fk of t.foreignKeys) {
    const target = live.tables.find((x) => x.name === fk.references.table && !fk.references.schema)
    if (!target) {
      warnings.push(`foreign key "${fk.name}" on "${t.name}" references "${fk.references.table}", which wasn't pulled; left out`)
      continue
    }
    foreignKeys[fk.name] = {
      name: fk.name,
      entity: modelName.get(target.name)!,
      entityKey: fk.references.columns.join(','),
      foreignKey: fk.columns.join(','),
      ...(fk.onDelete !== 'no action' ? { onDelete: fk.onDelete.toUpperCase() } : {}),
      ...(fk.onUpdate !== 'no action' ? { onUpdate: fk.onUpdate.toUpperCase() } : {}),
    }
  }
  return foreignKeys
}

function propertyOf(c: Column, pk: string[], t: Table, warnings: string[]): PropertyDefinition {
  const type = jsType(c.type)
  const def: PropertyDefinition = { type }
  const idIndex = pk.indexOf(c.name)
  if (idIndex >= 0) def.id = pk.length > 1 ? idIndex + 1 : true
  if (c.type.kind === 'varchar') def.length = c.type.length
  if (idIndex >= 0 && pk.length === 1 && ((c.isAutoIncrement && type === 'number') || (type === 'string' && c.default?.kind === 'uuid')))
    def.generated = true
  else if (c.isAutoIncrement) warnings.push(`column "${t.name}.${c.name}" is generated by the database; only a numeric id can be declared so`)
  if (!c.isNullable && idIndex < 0) def.required = true
  if (c.default && !def.generated) {
    const d = c.default
    if (d.kind === 'value') def.default = d.value
    else if (d.kind === 'now') def.defaultFn = 'now'
    else if (d.kind === 'uuid') def.defaultFn = 'uuid'
    else warnings.push(`column "${t.name}.${c.name}" has the SQL default ${d.sql}, which models can't declare; left out`)
  }
  return def
}

function jsType(t: ColumnType): string {
  switch (t.kind) {
    case 'smallint':
    case 'integer':
    case 'bigint':
    case 'decimal':
    case 'real':
    case 'double':
      return 'number'
    case 'boolean':
      return 'boolean'
    case 'date':
    case 'timestamp':
      return 'date'
    case 'json':
      return 'object'
    case 'binary':
      return 'buffer'
    default:
      return 'string'
  }
}

/** Where the plain type maps to another column type, pin the engine's own (`postgresql: {dataType}`). */
function pinTypes(models: ModelDefinition[], live: Database, dialect: Dialect, ds: Pick<DataSource, 'settings'>) {
  const { database } = schemaFromModels(models, dialect, { naming: ds.settings.naming, defaultSchema: ds.settings.schema })
  for (const [i, m] of models.entries()) {
    const want = database.tables[i]!
    const have = live.tables[i]!
    for (const [prop, def] of Object.entries(m.properties)) {
      const col = have.columns.find((c) => c.name === (def.columnName ?? prop))
      const mapped = want.columns.find((c) => c.property === prop)
      if (!col || !mapped) continue
      if (!sameType(dialect.parseType(dialect.renderType(mapped.type)), col.type)) {
        def[dialect.settingsKey] = { dataType: dialect.renderType(col.type) }
        delete def.length
      }
    }
  }
}


function pascal(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean)
  let out = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')
  if (!out || /^\d/.test(out)) out = `T${out}`
  return out
}

function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
}

const TS_TYPE: Record<string, string> = { number: 'number', string: 'string', boolean: 'boolean', date: 'Date', object: 'object', buffer: 'Buffer' }

function literal(value: unknown, indent = ''): string {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined)
    if (!entries.length) return '{}'
    return `{ ${entries.map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${literal(v, indent)}`).join(', ')} }`
  }
  return JSON.stringify(value)
}

/** One model class in decorator form. */
export function renderModelFile(m: ModelDefinition, importFrom: string): string {
  const lines = [`// Written by \`shipshape pull\` from the live database. Edit freely: it is your model now.`]
  lines.push(`import { Entity, model, property } from ${JSON.stringify(importFrom)}`, '')
  const settings = Object.keys(m.settings).length ? `{ settings: ${literal(m.settings)} }` : ''
  lines.push(`@model(${settings})`, `export class ${m.name} extends Entity {`)
  for (const [prop, def] of Object.entries(m.properties)) {
    const key = /^[A-Za-z_$][\w$]*$/.test(prop) ? prop : JSON.stringify(prop)
    const optional = def.id || !def.required ? '?' : '!'
    lines.push(`  @property(${literal(def)}) ${key}${optional}: ${TS_TYPE[String(def.type)] ?? 'unknown'}`)
  }
  lines.push('}', '')
  return lines.join('\n')
}
