import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataSource, defineModel, ModelDefinitionError, mysqlDialect, postgresDialect, schemaFromModels, sqliteDialect } from '../../src/index.js'
import { assertSafeTypeName, typeNameProblem, type TypeNameDialect, type TypeNameGrammar } from '../../src/dialects/sql-type-name.js'
import { backends, type TestScope } from '../support/backends.js'

const DIALECTS = { postgres: postgresDialect, mysql: mysqlDialect, sqlite: sqliteDialect } as const

const VALID: Record<TypeNameDialect, string[]> = {
  postgres: [
    'integer', 'text', 'varchar(20)', 'character varying(20)', 'numeric(12,2)', 'double precision', 'timestamp(3) with time zone',
    'timestamp without time zone', 'time with time zone', 'interval day to second(3)', 'interval year to month', 'integer[]',
    'text[][]', 'varchar(10)[3]', 'bit varying(5)', 'mood', 'public.mood', '"MyEnum"', 'public."My Type"', 'tsvector',
  ],
  mysql: ['INT', 'int(11) unsigned zerofill', 'bigint unsigned', 'DECIMAL(10,2) UNSIGNED', 'varchar(255)', 'LONGTEXT', 'double precision', 'float(7,4)', 'datetime(3)', 'national varchar(10)'],
  sqlite: ['INTEGER', 'TEXT', 'VARCHAR(255)', 'NUMERIC(10, 5)', 'UNSIGNED BIG INT', 'DOUBLE PRECISION', 'DATETIME', 'BOOLEAN', 'varying character(20)'],
}

const HOSTILE = [
  'integer REFERENCES victim ON DELETE CASCADE',
  'integer REFERENCES victim(id)',
  'text); DROP TABLE users; --',
  'text DEFAULT 1',
  'integer NOT NULL',
  'integer CHECK (1=1)',
  'text COLLATE "C"',
  'integer GENERATED ALWAYS AS IDENTITY',
  'int; DROP TABLE victim',
  'int -- x',
  'int /* x */',
  "varchar('1')",
  'varchar(1) primary key',
  'integer\nDROP TABLE victim',
  'numeric(1,2,3)',
  'numeric(a)',
  'varchar(10',
  "'x'",
  'REFERENCES',
  '',
  'int[] [',
  'double precision foo',
  'integer unsigned zerofill references t',
]

describe('type names are parsed by a grammar', () => {
  it.each(Object.keys(VALID) as TypeNameDialect[])('accepts the type names of %s', (dialect) => {
    for (const t of VALID[dialect]) expect(typeNameProblem(t, dialect), t).toBeUndefined()
  })

  it.each(Object.keys(VALID) as TypeNameDialect[])('refuses clauses and statements on %s', (dialect) => {
    for (const t of HOSTILE) expect(typeNameProblem(t, dialect), JSON.stringify(t)).toBeTypeOf('string')
  })

  it('refuses any accepted name followed by a clause word, and anything holding a quote, semicolon or comment', () => {
    const dialects = fc.constantFrom<TypeNameDialect>('postgres', 'mysql', 'sqlite')
    fc.assert(
      fc.property(dialects, fc.constantFrom('REFERENCES', 'DEFAULT', 'CHECK', 'NOT', 'PRIMARY', 'COLLATE', 'ON', 'GENERATED', 'UNIQUE'), (d, w) => {
        for (const t of VALID[d]) expect(typeNameProblem(`${t} ${w} x`, d)).toBeTypeOf('string')
      }),
    )
    fc.assert(
      fc.property(dialects, fc.string(), fc.constantFrom(';', "'", '--', '/*', '\n'), fc.string(), (d, a, bad, b) => {
        const t = `int${a}${bad}${b}`
        const problem = typeNameProblem(t, d)
        // A newline is only whitespace: `int\nunsigned` is still a type. Everything else is refused.
        if (bad !== '\n') expect(problem).toBeTypeOf('string')
      }),
    )
  })

  it.each(['postgres', 'mysql', 'sqlite'] as const)('refuses a smuggled clause as a model error naming model and property (%s)', (dialect) => {
    const M = defineModel({
      name: 'Victimiser',
      properties: {
        id: { type: 'number', id: true },
        ref: { type: 'number', dataType: 'integer', [dialect === 'postgres' ? 'postgresql' : dialect]: { dataType: 'integer REFERENCES victim ON DELETE CASCADE' } },
      },
    } as never)
    const map = () => schemaFromModels([M.definition], DIALECTS[dialect], { defaultSchema: dialect === 'sqlite' ? undefined : 'public' } as never)
    expect(map).toThrow(ModelDefinitionError)
    expect(map).toThrow(/Model "Victimiser" property "ref": dataType .*REFERENCES victim ON DELETE CASCADE.* is not understood/)
  })

  it('takes the grammar of a dialect outside the built-in three', () => {
    const duck: TypeNameGrammar = { label: 'DuckDB', multiWordNames: [['double', 'precision']], modifiers: [['with', 'time', 'zone']], hasQualifiedNames: false, hasArrays: true, hint: ' and [] for lists' }
    expect(typeNameProblem('double precision[]', duck)).toBeUndefined()
    expect(typeNameProblem('timestamp with time zone', duck)).toBeUndefined()
    expect(typeNameProblem('"my type"', duck)).toBe('it must start with a type name')
    expect(() => assertSafeTypeName('int unsigned', duck)).toThrow(/"int unsigned" is not a DuckDB type name: "unsigned" is not part of a DuckDB type\. .* and \[\] for lists;/)
  })

  it('refuses a precision that smuggles SQL', () => {
    const M = defineModel({ name: 'P', properties: { id: { type: 'number', id: true }, n: { type: 'number', dataType: 'numeric', precision: '10) REFERENCES victim (id' } } } as never)
    expect(() => schemaFromModels([M.definition], postgresDialect, { defaultSchema: 'public' })).toThrow(/Model "P" property "n"/)
    for (const [setting, value] of [['length', '5) REFERENCES victim (id'], ['precision', 'NaN'], ['scale', -1], ['length', 1.5]] as const) {
      const N = defineModel({ name: 'N', properties: { id: { type: 'number', id: true }, v: { type: 'string', [setting]: value } } } as never)
      expect(() => schemaFromModels([N.definition], postgresDialect, { defaultSchema: 'public' })).toThrow(
        new RegExp(`Model "N" property "v": ${setting} .*whole number`),
      )
    }
    const D = defineModel({ name: 'D', properties: { id: { type: 'number', id: true }, v: { type: 'string', postgresql: { dataType: 'varchar', dataLength: '9) REFERENCES victim (id' } } } } as never)
    expect(() => schemaFromModels([D.definition], postgresDialect, { defaultSchema: 'public' })).toThrow(/Model "D" property "v": dataLength must be a whole number/)
  })
})

describe.each(backends)('type names on $name', (backend) => {
  let scope: TestScope
  const open: DataSource[] = []
  beforeEach(async () => {
    scope = await backend.create()
  })
  afterEach(async () => {
    for (const ds of open.splice(0)) await ds.disconnect()
    await scope.dispose()
  })

  it('creates no hidden foreign key: the model is refused before any SQL, and the victim keeps its rows', async () => {
    await scope.raw(`CREATE TABLE ${scope.table('victim')} (${scope.quote('id')} integer PRIMARY KEY)`)
    await scope.raw(`INSERT INTO ${scope.table('victim')} VALUES (1)`)
    const M = defineModel({
      name: 'Child',
      properties: { id: { type: 'number', id: true }, ref: { type: 'number', dataType: 'integer REFERENCES victim ON DELETE CASCADE' } },
    })
    const ds = new DataSource({ ...scope.config, models: [M] })
    open.push(ds)
    await expect(ds.autoupdate()).rejects.toThrow(/Model "Child" property "ref": dataType/)
    expect((await scope.catalog.tables()).filter((t) => !t.startsWith('sqlite_'))).toEqual(['victim'])
  })

  it('accepts the dialect spellings a catalog reads back and a model may declare', async () => {
    const types: Record<string, string> = {
      postgres: 'timestamp(3) with time zone',
      pglite: 'integer[]',
      sqlite: 'UNSIGNED BIG INT',
      mysql: 'int(10) unsigned',
    }
    const M = defineModel({ name: 'Typed', properties: { id: { type: 'number', id: true }, v: { type: 'any', dataType: types[backend.name] } } } as never)
    const ds = new DataSource({ ...scope.config, models: [M] })
    open.push(ds)
    await ds.autoupdate()
    expect((await ds.planAutoupdate()).changes).toEqual([])
  })
})
