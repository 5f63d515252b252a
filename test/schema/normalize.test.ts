import { describe, expect, it } from 'vitest'
import { mysqlDialect, postgresDialect, sqliteDialect, type ColumnType } from '../../src/index.js'
import { normalizeColumn, normalizeDefault } from '../../src/schema/normalize.js'

const ALL_KINDS: ColumnType[] = [
  { kind: 'varchar', length: 120 },
  { kind: 'char', length: 3 },
  { kind: 'text' },
  { kind: 'smallint' },
  { kind: 'integer' },
  { kind: 'bigint' },
  { kind: 'decimal', precision: 12, scale: 2 },
  { kind: 'real' },
  { kind: 'double' },
  { kind: 'boolean' },
  { kind: 'date' },
  { kind: 'time' },
  { kind: 'timestamp', withTimeZone: true, precision: 3 },
  { kind: 'json', binary: true },
  { kind: 'uuid' },
  { kind: 'binary' },
]

describe.each([postgresDialect, sqliteDialect, mysqlDialect])('types of $name round-trip', (dialect) => {
  it.each(ALL_KINDS)('%o: rendering then parsing is stable', (type) => {
    const once = dialect.parseType(dialect.renderType(type))
    const twice = dialect.parseType(dialect.renderType(once))
    expect(twice).toEqual(once)
  })
})

describe('PostgreSQL defaults as the catalog prints them', () => {
  const col = (type: ColumnType) => ({ name: 'c', type, isNullable: true })
  const parsed = (expr: string, type: ColumnType) => normalizeDefault(postgresDialect.parseDefault(expr, type), type)
  it.each([
    [`'abc'::character varying`, { kind: 'varchar', length: 10 }, { kind: 'value', value: 'abc' }],
    [`'it''s'::text`, { kind: 'text' }, { kind: 'value', value: "it's" }],
    [`'-1'::integer`, { kind: 'integer' }, { kind: 'value', value: -1 }],
    [`(-1)`, { kind: 'integer' }, { kind: 'value', value: -1 }],
    [`0.25`, { kind: 'double' }, { kind: 'value', value: 0.25 }],
    [`true`, { kind: 'boolean' }, { kind: 'value', value: true }],
    [`now()`, { kind: 'timestamp', withTimeZone: true }, { kind: 'now' }],
    [`CURRENT_TIMESTAMP`, { kind: 'timestamp', withTimeZone: true }, { kind: 'now' }],
    [`gen_random_uuid()`, { kind: 'uuid' }, { kind: 'uuid' }],
    [`'2020-01-02 03:04:05.678+00'::timestamp with time zone`, { kind: 'timestamp', withTimeZone: true }, { kind: 'value', value: '2020-01-02T03:04:05.678Z' }],
    [`'{"a": [1, 2]}'::jsonb`, { kind: 'json', binary: true }, { kind: 'value', value: '{"a":[1,2]}' }],
  ] as Array<[string, ColumnType, unknown]>)('%s', (expr, type, expected) => {
    expect(parsed(expr, type)).toEqual(expected)
  })

  it('a model default and the catalog form of it normalise alike', () => {
    const fromModel = normalizeColumn({ ...col({ kind: 'timestamp', withTimeZone: true, precision: 3 }), default: { kind: 'value', value: '2020-01-02T03:04:05.678Z' } }, postgresDialect)
    const fromCatalog = normalizeColumn(
      { ...col(postgresDialect.parseType('timestamp(3) with time zone')), default: postgresDialect.parseDefault(`'2020-01-02 03:04:05.678+00'::timestamp with time zone`, { kind: 'timestamp', withTimeZone: true }) },
      postgresDialect,
    )
    expect(fromCatalog).toEqual(fromModel)
  })
})

describe('SQLite defaults as the catalog prints them', () => {
  it.each([
    [`'abc'`, { kind: 'text' }, { kind: 'value', value: 'abc' }],
    [`0`, { kind: 'boolean' }, { kind: 'value', value: false }],
    [`1`, { kind: 'boolean' }, { kind: 'value', value: true }],
    [`CURRENT_TIMESTAMP`, { kind: 'timestamp', withTimeZone: false }, { kind: 'now' }],
    [`strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`, { kind: 'timestamp', withTimeZone: false }, { kind: 'now' }],
  ] as Array<[string, ColumnType, unknown]>)('%s', (expr, type, expected) => {
    expect(normalizeDefault(sqliteDialect.parseDefault(expr, type), type)).toEqual(expected)
  })
})
