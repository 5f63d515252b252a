import { ModelDefinitionError } from '../errors.js'
import { assertDefaultFits, assertSizes } from './default-fits.js'
import type { ModelDefinition, PropertyDefinition } from '../model/definition.js'
import { dialectModelSettings, dialectPropertySettings, PROPERTY_TYPES } from '../model/definition.js'
import { idPropertyNames, isModelClass } from '../model/entity.js'
import { withImplicitId } from '../model/implicit-id.js'
import { relationForeignKeys, relationsOf, resolveRelation } from '../model/relations.js'
import type { Column, ColumnDefault, ColumnType, Database, ForeignKey, Index, ReferentialAction, Table } from './ir.js'
import { isJugglerNumericId, type LoopbackConventions, type LoopbackJsType } from './loopback.js'
import { applyNaming, fitIdentifier, type NamingConvention } from './naming.js'

/** What the model mapping needs to know of the target engine (a Dialect satisfies it). */
export interface MappingTarget {
  /** Key of the per-dialect settings in model definitions (`postgresql`, or a registered dialect's own). */
  readonly settingsKey: string
  readonly capabilities: {
    supportsSchemas: boolean
    maxIdentifierLength: number
    lowercasesLoopbackNames: boolean
    defaultStringLength?: number | undefined
    indexNameScope: 'schema' | 'table'
    foreignKeyNameScope: 'schema' | 'table'
  }
  parseType(sql: string): ColumnType
  /** Why the engine would refuse this index (a key too long); undefined when it takes it. */
  indexKeyProblem?(index: Index, columns: Column[]): string | undefined
  /** What LoopBack's connector for this engine creates, followed under `naming: 'loopback'`. */
  readonly loopback?: LoopbackConventions
}

export interface MappingOptions {
  naming?: NamingConvention
  /** Schema of tables whose model doesn't name one (PostgreSQL `public`). */
  defaultSchema?: string
  /** Every belongsTo relation gets its foreign-key constraint (the datasource's `foreignKeyConstraints`). */
  relationForeignKeys?: boolean
}

/** Where a model's table is and what its properties' columns are called. */
export interface ModelMapping {
  model: ModelDefinition
  table: Table
  /** property name → column name */
  columns: Record<string, string>
}

/**
 * Turns model definitions into the desired schema for one engine.
 * `all` is every model known to the datasource (to resolve foreign keys); `models` those to map.
 */
export function schemaFromModels(
  models: ModelDefinition[],
  target: MappingTarget,
  options: MappingOptions = {},
  all: ModelDefinition[] = models,
): { database: Database; mappings: ModelMapping[] } {
  const mapper = new ModelMapper(target, options)
  const byName = new Map<string, ModelMapping>()
  for (const m of all) byName.set(m.name, mapper.mapTable(m))
  const mappings = models.map((m) => byName.get(m.name) ?? mapper.mapTable(m))
  for (const mapping of mappings) mapper.mapForeignKeys(mapping, byName)
  mapper.checkDuplicates(mappings)
  return { database: { tables: mappings.map((m) => m.table) }, mappings }
}

const ACTIONS: Record<string, ReferentialAction> = {
  cascade: 'cascade',
  'set null': 'set null',
  'set default': 'set default',
  restrict: 'restrict',
  'no action': 'no action',
}

class ModelMapper {
  private readonly naming: NamingConvention
  constructor(
    private readonly target: MappingTarget,
    private readonly options: MappingOptions,
  ) {
    this.naming = options.naming ?? 'exact'
    this.loopbackTypes = this.naming === 'loopback'
    this.conventions = this.loopbackTypes ? target.loopback : undefined
  }

  /** The connector's conventions when adopting LoopBack's tables (`naming: 'loopback'`). */
  private readonly conventions?: LoopbackConventions

  /** `naming: 'loopback'` adopts LoopBack's column types too, so its databases need no change. */
  private readonly loopbackTypes: boolean

  private name(n: string) {
    return applyNaming(n, this.naming, this.target.capabilities.lowercasesLoopbackNames)
  }

  private checkLength(kind: string, name: string, where: string, fix: string) {
    if (name.includes('\0')) throw new ModelDefinitionError(`${where}: ${kind} name ${JSON.stringify(name)} holds a NUL character, which no database keeps in a name.`)
    const max = this.target.capabilities.maxIdentifierLength
    if (Buffer.byteLength(name) > max)
      throw new ModelDefinitionError(
        `${where}: ${kind} name "${name}" is ${Buffer.byteLength(name)} bytes, longer than the ${max} ` +
          `this database keeps. ${fix}`,
      )
  }

  mapTable(model: ModelDefinition): ModelMapping {
    model = withImplicitId(model)
    const key = this.target.settingsKey
    const settings = model.settings ?? {}
    const dialectSettings = dialectModelSettings(settings, key) ?? {}
    const where = `Model "${model.name}"`
    if (!model.name) throw new ModelDefinitionError('A model definition has no name.')
    const tableName = dialectSettings.table ?? settings.table ?? this.name(model.name)
    this.checkLength('table', tableName, where, `Pin a shorter one with settings {table: '...'}.`)
    const schema = this.target.capabilities.supportsSchemas ? dialectSettings.schema ?? this.options.defaultSchema : undefined

    const columns: Column[] = []
    const columnOf: Record<string, string> = {}
    const renamedColumns: Record<string, string> = {}
    const propertyOfColumn = new Map<string, string>()
    for (const [prop, def] of Object.entries(model.properties ?? {})) {
      const pwhere = `Model "${model.name}" property "${prop}"`
      const column = this.mapColumn(prop, def, pwhere)
      const other = propertyOfColumn.get(column.name)
      if (other)
        throw new ModelDefinitionError(
          `${pwhere}: column "${column.name}" is already the column of property "${other}". ` +
            `Give one of them another columnName.`,
        )
      propertyOfColumn.set(column.name, prop)
      columns.push(column)
      columnOf[prop] = column.name
      if (typeof def.renamedFrom === 'string') renamedColumns[column.name] = this.columnNameFor(def.renamedFrom, { type: 'any' })
    }
    const ids = idPropertyNames(model)
    if (ids.length === 0)
      throw new ModelDefinitionError(
        `${where} has no id property. Mark one with {id: true} (and generated: true for a database-generated key).`,
      )
    const pkColumns = ids.map((p) => columnOf[p]!)
    const table: Table = {
      ...(schema ? { schema } : {}),
      name: tableName,
      columns,
      primaryKey: { columns: pkColumns },
      indexes: [],
      foreignKeys: [],
      model: model.name,
    }
    if (typeof settings.renamedFrom === 'string') table.renamedFrom = this.name(settings.renamedFrom)
    if (Object.keys(renamedColumns).length) table.renamedColumns = renamedColumns
    for (const c of table.columns) if (pkColumns.includes(c.name)) c.isNullable = false
    table.indexes = this.mapIndexes(model, table, columnOf)
    return { model, table, columns: columnOf }
  }

  private columnNameFor(prop: string, def: PropertyDefinition): string {
    const override = dialectPropertySettings(def, this.target.settingsKey)
    return override?.columnName ?? def.columnName ?? this.name(prop)
  }

  private mapColumn(prop: string, def: PropertyDefinition, where: string): Column {
    if (!def || typeof def !== 'object') throw new ModelDefinitionError(`${where}: the definition must be an object.`)
    const override = dialectPropertySettings(def, this.target.settingsKey) ?? {}
    const name = this.columnNameFor(prop, def)
    this.checkLength('column', name, where, `Pin a shorter one with {columnName: '...'}.`)
    const conventions = this.conventions
    let jsType = propertyType(def, where)
    // The juggler makes a generated string id without defaultFn a number (an integer serial).
    if (conventions && isJugglerNumericId(def, jsType, this.target.settingsKey)) jsType = 'number'
    const isGenerated = !!def.generated
    assertSizes(def, where, jsType === 'date')
    let type = this.mapType(def, jsType, where)
    let isAutoIncrement = false
    let dflt: ColumnDefault | undefined
    if (isGenerated && def.id) {
      if (jsType === 'number') {
        isAutoIncrement = conventions ? conventions.generatedIdIsAutoIncrement : true
        if (type.kind !== 'integer' && type.kind !== 'bigint' && type.kind !== 'smallint')
          throw new ModelDefinitionError(`${where}: a generated id must be an integer type, not ${JSON.stringify(type)}.`)
      } else if (jsType === 'string') {
        if (!def.dataType && !override.dataType) type = { kind: 'uuid' }
        dflt = { kind: 'uuid' }
      } else {
        throw new ModelDefinitionError(`${where}: a generated id must be of type number or string, not "${jsType}".`)
      }
    }
    // LoopBack's connectors create no default for defaultFn: the juggler fills it in (so do repositories).
    if (def.defaultFn !== undefined && !dflt && !conventions) {
      const fn = String(def.defaultFn).toLowerCase()
      if (fn === 'now') dflt = { kind: 'now' }
      else if (fn === 'uuid' || fn === 'uuidv4' || fn === 'guid') dflt = { kind: 'uuid' }
      else
        throw new ModelDefinitionError(`${where}: defaultFn "${def.defaultFn}" is not supported; use 'now' or 'uuid'.`)
    }
    if (def.default !== undefined && def.default !== null && !dflt) dflt = literalDefault(def.default, where)
    assertDefaultFits(type, dflt, where)
    let isNullable = !(def.required || def.id)
    if (override.nullable !== undefined) {
      const n = override.nullable
      isNullable = n === true || n === 'Y' || n === 'YES'
    }
    const facts = { isId: !!def.id, isIndexed: !!def.index }
    const alsoAccepts = conventions && !override.dataType && !def.dataType ? conventions.alsoAccepts?.(jsType as LoopbackJsType, def, facts) : undefined
    return {
      name,
      type,
      isNullable,
      ...(dflt ? { default: dflt } : {}),
      ...(isAutoIncrement ? { isAutoIncrement } : {}),
      property: prop,
      ...(alsoAccepts?.length ? { alsoAccepts } : {}),
    }
  }

  private mapType(def: PropertyDefinition, jsType: string, where: string): ColumnType {
    const override = dialectPropertySettings(def, this.target.settingsKey) ?? {}
    // These go into a type's (n) or (p,s): whole numbers only, never NaN or text (length,
    // precision and scale themselves are checked by assertSizes).
    const sizes: Array<[string, unknown]> = [
      ['dataLength', override.dataLength], ['dataPrecision', override.dataPrecision], ['dataScale', override.dataScale],
    ]
    for (const [name, v] of sizes)
      if (v !== undefined && v !== null && !(Number.isSafeInteger(Number(v)) && Number(v) >= 0 && String(v).trim() !== ''))
        throw new ModelDefinitionError(`${where}: ${name} must be a whole number, got ${JSON.stringify(v)}.`)
    const dataType = override.dataType ?? def.dataType
    if (dataType) {
      let sql = String(dataType)
      const len = override.dataLength ?? (def.length as number | undefined)
      const precision = override.dataPrecision ?? def.precision
      const scale = override.dataScale ?? def.scale
      if (!sql.includes('(')) {
        if (precision !== undefined) sql += scale !== undefined ? `(${precision},${scale})` : `(${precision})`
        else if (len !== undefined && /char|binary/i.test(sql)) sql += `(${len})`
      }
      try {
        return this.target.parseType(sql)
      } catch (e) {
        throw new ModelDefinitionError(`${where}: dataType "${sql}" is not understood: ${(e as Error).message}`, {
          cause: e,
        })
      }
    }
    if (this.conventions)
      return this.conventions.columnType(jsType as LoopbackJsType, def, { isId: !!def.id, isIndexed: !!def.index })
    const length = override.dataLength ?? def.length
    switch (jsType) {
      case 'string': {
        // LoopBack's PostgreSQL and SQLite connectors make every string TEXT, whatever its length.
        if (this.loopbackTypes && this.target.capabilities.lowercasesLoopbackNames) return { kind: 'text' }
        if (def.id && !def.generated && length === undefined) return { kind: 'varchar', length: 255 }
        const len = length ?? this.target.capabilities.defaultStringLength
        return len !== undefined ? { kind: 'varchar', length: Number(len) } : { kind: 'text' }
      }
      case 'number':
        if (def.precision !== undefined)
          return { kind: 'decimal', precision: Number(def.precision), scale: Number(def.scale ?? 0) }
        // LoopBack maps every number to INTEGER; Shipshape keeps fractions unless told otherwise.
        return def.id || this.loopbackTypes ? { kind: 'integer' } : { kind: 'double' }
      case 'boolean':
        return { kind: 'boolean' }
      case 'date':
        if (this.loopbackTypes && def.precision === undefined) return { kind: 'timestamp', withTimeZone: true }
        // Milliseconds unless told otherwise: what a JS Date holds.
        return { kind: 'timestamp', withTimeZone: true, precision: def.precision !== undefined ? Math.min(6, Number(def.precision)) : 3 }
      case 'object':
      case 'array':
      case 'any':
        return { kind: 'json', binary: true }
      case 'buffer':
        return { kind: 'binary' }
    }
    throw new ModelDefinitionError(`${where}: unknown type "${jsType}".`)
  }

  private mapIndexes(model: ModelDefinition, table: Table, columnOf: Record<string, string>): Index[] {
    const indexes = [...this.propertyIndexes(model, table, columnOf), ...this.settingsIndexes(model, table, columnOf)]
    const seen = new Set<string>()
    for (const ix of indexes) {
      if (seen.has(ix.name))
        throw new ModelDefinitionError(`Model "${model.name}": two indexes are named "${ix.name}". Rename one.`)
      seen.add(ix.name)
      const problem = this.target.indexKeyProblem?.(ix, table.columns)
      if (problem) throw new ModelDefinitionError(`Model "${model.name}" index "${ix.name}" (${ix.columns.map((c) => c.name).join(', ')}): ${problem}`)
    }
    return indexes
  }

  /** Indexes a property declares (`unique`, `index`), the primary key's column excepted. */
  private propertyIndexes(model: ModelDefinition, table: Table, columnOf: Record<string, string>): Index[] {
    const indexes: Index[] = []
    const max = this.target.capabilities.maxIdentifierLength
    for (const [prop, def] of Object.entries(model.properties ?? {})) {
      const column = columnOf[prop]!
      const isPk = table.primaryKey?.columns.length === 1 && table.primaryKey.columns[0] === column
      const conventionalName = this.conventions?.propertyIndexName(table.name, column)
      if (def.unique && !isPk)
        indexes.push({
          name: conventionalName ?? fitIdentifier(`${table.name}_${column}_${this.loopbackTypes ? 'idx' : 'key'}`, max),
          columns: [{ name: column, order: 'asc' }],
          isUnique: true,
          isOwned: true,
        })
      if (def.index && !isPk) {
        const opts = typeof def.index === 'object' ? def.index : {}
        if (def.unique && !opts.name) continue
        indexes.push({
          name: opts.name ?? conventionalName ?? fitIdentifier(`${table.name}_${column}_idx`, max),
          columns: [{ name: column, order: 'asc' }],
          isUnique: !!opts.unique,
          isOwned: true,
        })
      }
    }
    return indexes
  }

  /** Indexes of the model's `settings.indexes`, in LoopBack's shapes (`keys`, `columns`, or the keys themselves). */
  private settingsIndexes(model: ModelDefinition, table: Table, columnOf: Record<string, string>): Index[] {
    const colByKey = (key: string, where: string) => {
      const c = columnOf[key] ?? (table.columns.some((c) => c.name === key) ? key : undefined)
      if (!c)
        throw new ModelDefinitionError(
          `${where}: key "${key}" is neither a property nor a column of the model. ` +
            `Known properties: ${Object.keys(columnOf).join(', ')}.`,
        )
      return c
    }
    return Object.entries(model.settings?.indexes ?? {}).map(([key, def]): Index => {
      const where = `Model "${model.name}" index "${key}"`
      const name = def.name ?? this.conventions?.modelIndexName(key) ?? key
      this.checkLength('index', name, where, 'Give the index a shorter name.')
      let keys: Array<[string, unknown]>
      if (def.keys) keys = Object.entries(def.keys)
      else if (typeof def.columns === 'string') keys = def.columns.split(',').map((c) => [c.trim(), 1])
      else
        keys = Object.entries(def).filter(
          ([k, v]) => !['name', 'options', 'unique', 'kind', 'type'].includes(k) && (v === 1 || v === -1),
        )
      if (keys.length === 0) throw new ModelDefinitionError(`${where}: declare its columns as {keys: {column: 1}}.`)
      const isUnique = !!(def.options?.unique ?? def.unique ?? (String(def.kind ?? '').toUpperCase() === 'UNIQUE'))
      return {
        name,
        columns: keys.map(([k, dir]) => ({
          name: colByKey(k, where),
          order: dir === -1 || String(dir).toLowerCase() === 'desc' ? 'desc' : 'asc',
        })),
        isUnique,
        isOwned: true,
      }
    })
  }

  mapForeignKeys(mapping: ModelMapping, byName: Map<string, ModelMapping>) {
    const { model, table } = mapping
    // LoopBack types a key column by its own property, whatever it refers to.
    if (!this.conventions) this.mapRelationKeyTypes(mapping, byName)
    const declared = Object.entries(model.settings?.foreignKeys ?? {})
    // belongsTo relations add theirs only when asked: LoopBack never created them.
    for (const def of relationForeignKeys(model, (n) => byName.get(n)?.model, this.options.relationForeignKeys)) {
      const column = mapping.columns[def.foreignKey] ?? def.foreignKey
      declared.push([def.name ?? fitIdentifier(`${table.name}_${column}_fkey`, this.target.capabilities.maxIdentifierLength), def])
    }
    for (const [key, def] of declared) {
      const where = `Model "${model.name}" foreign key "${key}"`
      const target = byName.get(def.entity)
      if (!target)
        throw new ModelDefinitionError(
          `${where}: entity "${def.entity}" is not a known model. Known models: ${[...byName.keys()].join(', ')}.`,
        )
      const { fromProps, toProps, columns, refColumns } = keyColumns(mapping, target, def, where)
      // A reference column takes the referenced column's type unless its property pins one
      // (a 'number' reference to an integer id must be an integer, not a double).
      fromProps.forEach((p, i) => {
        const prop = model.properties[p]
        const pinned = prop && (prop.dataType || dialectPropertySettings(prop, this.target.settingsKey)?.dataType || prop.precision !== undefined)
        const col = table.columns.find((c) => c.name === columns[i])
        const refCol = target.table.columns.find((c) => c.name === refColumns[i])
        const refProp = target.model.properties[toProps[i]!]
        if (!this.conventions && col && refCol && prop && !pinned && refProp && propertyType(prop, where) === propertyType(refProp, where)) col.type = refCol.type
      })
      const name = def.name ?? key
      this.checkLength('foreign key', name, where, 'Give the foreign key a shorter name.')
      const fk: ForeignKey = {
        name,
        columns,
        references: {
          ...(target.table.schema && target.table.schema !== table.schema ? { schema: target.table.schema } : {}),
          table: target.table.name,
          columns: refColumns,
        },
        onDelete: action(def.onDelete, where),
        onUpdate: action(def.onUpdate, where),
        isOwned: true,
      }
      table.foreignKeys.push(fk)
    }
  }

  /**
   * A belongsTo key column takes the type of the key it refers to, as a declared foreign key's
   * does, constraint or not (a 'number' key of an integer id is an integer, not a double).
   */
  private mapRelationKeyTypes(mapping: ModelMapping, byName: Map<string, ModelMapping>) {
    const { model, table } = mapping
    for (const [name, rel] of Object.entries(relationsOf(model))) {
      if (String(rel.type).toLowerCase() !== 'belongsto') continue
      const t = rel.target ?? rel.model
      // A target known only by a name this datasource lacks: the constraint (if asked) says so.
      if (typeof t === 'string' && !byName.has(t)) continue
      let r: ReturnType<typeof resolveRelation>
      try {
        r = resolveRelation(model, name, (n) => byName.get(n)?.model)
      } catch {
        // A relation that can't be resolved types nothing; using it (include, an accessor, a constraint) says why.
        continue
      }
      const target = byName.get(r.target.name) ?? (r.targetClass && isModelClass(r.targetClass) ? this.mapTable(r.target) : undefined)
      const prop = model.properties[r.keyFrom]
      const refProp = r.target.properties[r.keyTo]
      if (!target || !prop || !refProp || prop.dataType || dialectPropertySettings(prop, this.target.settingsKey)?.dataType || prop.precision !== undefined) continue
      const where = `Model "${model.name}" relation "${name}"`
      if (propertyType(prop, where) !== propertyType(refProp, where)) continue
      const col = table.columns.find((c) => c.name === mapping.columns[r.keyFrom])
      const refCol = target.table.columns.find((c) => c.name === target.columns[r.keyTo])
      if (col && refCol) col.type = refCol.type
    }
  }

  checkDuplicates(mappings: ModelMapping[]) {
    const tables = new Map<string, string>()
    const indexNames = new Map<string, string>()
    const foreignKeyNames = new Map<string, string>()
    for (const { model, table } of mappings) {
      const key = `${table.schema ?? ''}.${table.name}`
      const other = tables.get(key)
      if (other)
        throw new ModelDefinitionError(
          `Models "${other}" and "${model.name}" both map to table "${table.name}". Pin another with settings {table: '...'}.`,
        )
      tables.set(key, model.name)
      if (this.target.capabilities.indexNameScope === 'schema') {
        for (const ix of table.indexes.map((i) => i.name)) {
          const k = `${table.schema ?? ''}.${ix}`
          const o = indexNames.get(k)
          if (o && o !== model.name)
            throw new ModelDefinitionError(
              `Models "${o}" and "${model.name}" both declare an index named "${ix}"; ` +
                `index names must be unique across the schema here. Rename one.`,
            )
          indexNames.set(k, model.name)
        }
      }
      if (this.target.capabilities.foreignKeyNameScope === 'schema') {
        for (const fk of table.foreignKeys) {
          // Compared ignoring case: InnoDB refuses `FK` beside `fk` in one database.
          const k = `${table.schema ?? ''}.${fk.name.toLowerCase()}`
          const o = foreignKeyNames.get(k)
          if (o !== undefined)
            throw new ModelDefinitionError(
              o === model.name
                ? `Model "${model.name}" declares two foreign keys named "${fk.name}". Rename one.`
                : `Models "${o}" and "${model.name}" both declare a foreign key named "${fk.name}"; ` +
                    `foreign-key names must be unique across the database here. Rename one (settings.foreignKeys.<key>.name).`,
            )
          foreignKeyNames.set(k, model.name)
        }
      }
    }
  }
}

function propertyType(def: PropertyDefinition, where: string): string {
  let t: unknown = def.type
  if (typeof t === 'function') t = (t as Function).name
  if (Array.isArray(t)) return 'array'
  if (typeof t !== 'string') throw new ModelDefinitionError(`${where}: the property has no type. Declare {type: 'string'} or another.`)
  const lower = t.toLowerCase()
  if ((PROPERTY_TYPES as readonly string[]).includes(lower)) return lower
  if (lower === 'geopoint') return 'object'
  throw new ModelDefinitionError(
    `${where}: unknown type "${t}". Use one of ${PROPERTY_TYPES.join(', ')} (and dataType for a database-specific type).`,
  )
}

function literalDefault(value: unknown, where: string): ColumnDefault {
  if (typeof value === 'string' || typeof value === 'boolean') return { kind: 'value', value }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ModelDefinitionError(`${where}: default ${value} is not a finite number.`)
    return { kind: 'value', value }
  }
  if (value instanceof Date) return { kind: 'value', value: value.toISOString() }
  if (typeof value === 'object') return { kind: 'value', value: JSON.stringify(value) }
  throw new ModelDefinitionError(`${where}: default ${String(value)} cannot be stored as a column default.`)
}

function action(value: string | undefined, where: string): ReferentialAction {
  if (value === undefined || value === null || value === '') return 'no action'
  const a = ACTIONS[String(value).toLowerCase().replace(/_/g, ' ')]
  if (!a)
    throw new ModelDefinitionError(
      `${where}: "${value}" is not a referential action; use CASCADE, SET NULL, SET DEFAULT, RESTRICT or NO ACTION.`,
    )
  return a
}

/** The properties and columns a foreign key joins, on both sides, checked against both models. */
function keyColumns(mapping: ModelMapping, target: ModelMapping, def: { foreignKey?: unknown; entityKey?: string; entity: string }, where: string) {
  const split = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean)
  const fromProps = split(String(def.foreignKey ?? ''))
  const toProps = def.entityKey ? split(def.entityKey) : idPropertyNames(target.model)
  if (fromProps.length === 0) throw new ModelDefinitionError(`${where}: foreignKey names no property.`)
  if (fromProps.length !== toProps.length)
    throw new ModelDefinitionError(`${where}: foreignKey has ${fromProps.length} properties but entityKey has ${toProps.length}.`)
  const columnOf = (m: ModelMapping, p: string, role: string, owner: string) => {
    const c = m.columns[p] ?? (m.table.columns.some((c) => c.name === p) ? p : undefined)
    if (!c) throw new ModelDefinitionError(`${where}: ${role} "${p}" is not a property of "${owner}".`)
    return c
  }
  return {
    fromProps,
    toProps,
    columns: fromProps.map((p) => columnOf(mapping, p, 'foreignKey', mapping.model.name)),
    refColumns: toProps.map((p) => columnOf(target, p, 'entityKey', def.entity)),
  }
}
