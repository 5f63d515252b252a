import { ShipshapeError } from '../errors.js'
import type { Dialect } from './dialect.js'
import { mysqlDialect } from './mysql/index.js'
import { postgresDialect } from './postgres/index.js'
import { sqliteDialect } from './sqlite/index.js'

const dialects = new Map<string, Dialect>()

/**
 * Keys model definitions already use for themselves: a dialect's settings under one of these would
 * be read as the model's own (`table`, `indexes`) or a property's (`type`, `columnName`).
 */
const RESERVED_SETTINGS_KEYS = new Set([
  'table', 'strict', 'hiddenProperties', 'relations', 'indexes', 'foreignKeys', 'renamedFrom', 'schema', 'name', 'properties', 'settings',
  'type', 'id', 'generated', 'required', 'default', 'defaultFn', 'length', 'precision', 'scale', 'index', 'unique', 'dataType',
  'columnName', 'hidden', 'itemType', 'jsonSchema',
])

/**
 * Adds a dialect, or a variant of one, under its `name`, so connectors, plans and snapshots
 * (`snapshot.<name>.json`) can use it. Returns the dialect. Re-registering a name replaces it only
 * with a dialect reading the same settings key: models written for one must mean the same to the other.
 * @example
 *   registerDialect({ ...sqliteDialect, name: 'libsql', settingsKey: 'libsql' })
 *   registerConnector('libsql', { dialect: getDialect('libsql'), connect, describe })
 */
export function registerDialect(dialect: Dialect): Dialect {
  const where = `Dialect "${String(dialect?.name)}"`
  if (typeof dialect?.name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(dialect.name))
    throw new ShipshapeError('INVALID_DIALECT', `${where}: a name must be lower-case letters, digits and dashes (it names snapshot files).`)
  if (typeof dialect.settingsKey !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(dialect.settingsKey) || RESERVED_SETTINGS_KEYS.has(dialect.settingsKey))
    throw new ShipshapeError(
      'INVALID_DIALECT',
      `${where}: settingsKey "${String(dialect.settingsKey)}" must be an identifier that model definitions don't already use for themselves (${[...RESERVED_SETTINGS_KEYS].slice(0, 4).join(', ')}, …).`,
    )
  if (!dialect.dml || !dialect.capabilities)
    throw new ShipshapeError('INVALID_DIALECT', `${where} has no ${dialect.dml ? 'capabilities' : 'dml adapter'}: spread baseDdlEngine and baseDmlAdapter and state what differs.`)
  const known = dialects.get(dialect.name)
  if (known && known.settingsKey !== dialect.settingsKey)
    throw new ShipshapeError(
      'INVALID_DIALECT',
      `${where} is registered already with settingsKey "${known.settingsKey}", not "${dialect.settingsKey}". Give the variant its own name.`,
    )
  dialects.set(dialect.name, dialect)
  return dialect
}

/** The dialect registered under `name`. */
export function getDialect(name: string): Dialect {
  const d = dialects.get(name)
  if (!d) throw new ShipshapeError('UNKNOWN_DIALECT', `Unknown dialect "${name}". Known: ${[...dialects.keys()].join(', ')}. Add one with registerDialect.`)
  return d
}

/** Registers `dialect` unless its name is taken (a connector's variant of a known dialect keeps the registered one); checks it either way. */
export function ensureDialect(dialect: Dialect): void {
  const known = dialects.get(dialect.name)
  if (known && known.settingsKey === dialect.settingsKey) return
  registerDialect(dialect)
}

/** Every registered dialect, built-in ones first. */
export function registeredDialects(): Dialect[] {
  return [...dialects.values()]
}

for (const d of [postgresDialect, sqliteDialect, mysqlDialect]) registerDialect(d)
