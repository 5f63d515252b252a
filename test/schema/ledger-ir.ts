import { buildPlan, diffDatabases, normalizeDatabase, type Column, type Database, type Dialect, type Table } from '../../src/index.js'

/**
 * A neutral schema written by hand, no models and no server: two tables using most column
 * types, defaults of every kind, a composite descending index, a unique index and a foreign key
 * with both actions. `schema` is the PostgreSQL schema or MySQL database; SQLite has none.
 */
export function ledger(schema?: string): Database {
  const account: Table = {
    ...(schema ? { schema } : {}),
    name: 'account',
    columns: [
      { name: 'id', type: { kind: 'uuid' }, isNullable: false, default: { kind: 'uuid' } },
      { name: 'email', type: { kind: 'varchar', length: 120 }, isNullable: false },
      { name: 'balance', type: { kind: 'decimal', precision: 12, scale: 2 }, isNullable: false, default: { kind: 'value', value: 0 } },
      { name: 'active', type: { kind: 'boolean' }, isNullable: false, default: { kind: 'value', value: true } },
      { name: 'opened', type: { kind: 'timestamp', withTimeZone: true, precision: 3 }, isNullable: true, default: { kind: 'now' } },
      { name: 'profile', type: { kind: 'json', binary: true }, isNullable: true },
    ],
    primaryKey: { columns: ['id'] },
    indexes: [{ name: 'account_email_key', columns: [{ name: 'email', order: 'asc' }], isUnique: true, isOwned: true }],
    foreignKeys: [],
  }
  const entry: Table = {
    ...(schema ? { schema } : {}),
    name: 'entry',
    columns: [
      { name: 'id', type: { kind: 'bigint' }, isNullable: false, isAutoIncrement: true },
      { name: 'accountId', type: { kind: 'uuid' }, isNullable: false },
      { name: 'note', type: { kind: 'text' }, isNullable: true },
      { name: 'on', type: { kind: 'date' }, isNullable: false },
    ],
    primaryKey: { columns: ['id'] },
    indexes: [
      { name: 'entry_account_id_idx', columns: [{ name: 'accountId', order: 'asc' }, { name: 'id', order: 'desc' }], isUnique: false, isOwned: true },
    ],
    foreignKeys: [
      {
        name: 'entry_account_fk',
        columns: ['accountId'],
        references: { table: 'account', columns: ['id'] },
        onDelete: 'cascade',
        onUpdate: 'restrict',
        isOwned: true,
      },
    ],
  }
  return { tables: [account, entry] }
}

/** The ledger after a release: `note` bounded and required, `memo` added, the index gone, `email` no longer unique. */
export function ledgerV2(schema?: string): Database {
  const db = ledger(schema)
  const [account, entry] = db.tables as [Table, Table]
  const note = entry.columns.find((c) => c.name === 'note')!
  Object.assign(note, { type: { kind: 'varchar', length: 200 }, isNullable: false, default: { kind: 'value', value: '' } } satisfies Partial<Column>)
  entry.columns.push({ name: 'memo', type: { kind: 'varchar', length: 40 }, isNullable: true, default: { kind: 'value', value: "it's" } })
  entry.indexes = []
  account.indexes = [{ name: 'account_email_idx', columns: [{ name: 'email', order: 'asc' }], isUnique: false, isOwned: true }]
  return db
}

/** The SQL a plan from `current` to `desired` sends, planned offline (no server) as auto-update plans. */
export function plannedSql(current: Database, desired: Database, dialect: Dialect): string[] {
  const from = normalizeDatabase(current, dialect)
  const { changes, drift } = diffDatabases(from, normalizeDatabase(desired, dialect))
  const plan = buildPlan(changes, dialect, from, 'autoupdate', drift, { online: true })
  return plan.changes
    .flatMap((c) => c.statements.filter((s) => s.combinedInto === undefined).map((s) => s.sql))
    .map((sql) => sql.replace(/shipshape_build_[0-9a-f]{12}/g, 'shipshape_build_{id}'))
}
