import { describe, expect, it } from 'vitest'
import { DataSource, defineModel, ModelDefinitionError, mysqlDialect, postgresDialect, schemaFromModels, sqliteDialect } from '../../src/index.js'

const map = (models: ReturnType<typeof defineModel>[], dialect = postgresDialect) =>
  schemaFromModels(models.map((m) => m.definition), dialect, { defaultSchema: 'public' })

describe('invalid model definitions fail before any SQL, naming model and property', () => {
  it('unknown type', () => {
    const M = defineModel({ name: 'Order', properties: { id: { type: 'number', id: true }, total: { type: 'money' } } })
    expect(() => map([M])).toThrow(ModelDefinitionError)
    expect(() => map([M])).toThrow(/Model "Order" property "total": unknown type "money"/)
  })

  it('two properties on one column', () => {
    const M = defineModel({
      name: 'User',
      properties: { id: { type: 'number', id: true }, email: { type: 'string' }, mail: { type: 'string', columnName: 'email' } },
    })
    expect(() => map([M])).toThrow(/Model "User" property "mail": column "email" is already the column of property "email"/)
  })

  it('foreign key to an unknown model or property', () => {
    const A = defineModel({
      name: 'A',
      properties: { id: { type: 'number', id: true }, bId: { type: 'number' } },
      settings: { foreignKeys: { fk: { name: 'fk', entity: 'B', entityKey: 'id', foreignKey: 'bId' } } },
    })
    expect(() => map([A])).toThrow(/Model "A" foreign key "fk": entity "B" is not a known model/)
    const B = defineModel({ name: 'B', properties: { id: { type: 'number', id: true } } })
    const A2 = defineModel({
      ...A.definition,
      settings: { foreignKeys: { fk: { name: 'fk', entity: 'B', entityKey: 'nope', foreignKey: 'bId' } } },
    })
    expect(() => map([A2, B])).toThrow(/entityKey "nope" is not a property of "B"/)
    const A3 = defineModel({
      ...A.definition,
      settings: { foreignKeys: { fk: { name: 'fk', entity: 'B', entityKey: 'id', foreignKey: 'missing' } } },
    })
    expect(() => map([A3, B])).toThrow(/foreignKey "missing" is not a property of "A"/)
  })

  it('two models declaring one foreign-key name, on MySQL where InnoDB names them per database', async () => {
    const Customer = defineModel({ name: 'Customer', properties: { id: { type: 'number', id: true } } })
    const withFk = (name: string, fkName: string) =>
      defineModel({
        name,
        properties: { id: { type: 'number', id: true }, customerId: { type: 'number' } },
        settings: { foreignKeys: { customer: { name: fkName, entity: 'Customer', entityKey: 'id', foreignKey: 'customerId' } } },
      })
    const Order = withFk('Order', 'fk_customer')
    const Invoice = withFk('Invoice', 'FK_Customer') // InnoDB compares them ignoring case
    expect(() => map([Customer, Order, Invoice], mysqlDialect)).toThrow(ModelDefinitionError)
    expect(() => map([Customer, Order, Invoice], mysqlDialect)).toThrow(
      /Models "Order" and "Invoice" both declare a foreign key named "FK_Customer"; foreign-key names must be unique across the database/,
    )
    // PostgreSQL and SQLite keep constraint names per table: the same models are valid there.
    expect(() => map([Customer, Order, Invoice])).not.toThrow()
    expect(() => map([Customer, Order, Invoice], sqliteDialect)).not.toThrow()
    // Different databases don't clash.
    const Elsewhere = defineModel({ ...Invoice.definition, settings: { ...Invoice.definition.settings, mysql: { schema: 'archive' } } })
    expect(() => map([Customer, Order, Elsewhere], mysqlDialect)).not.toThrow()
    // Before any SQL: the port is unreachable, the model error comes first.
    const ds = new DataSource({ connector: 'mysql', url: 'mysql://u:secret@127.0.0.1:1/shop', models: [Customer, Order, Invoice] })
    await expect(ds.autoupdate()).rejects.toThrow(/Models "Order" and "Invoice" both declare a foreign key named "FK_Customer"/)
    await ds.disconnect()
  })

  it('identifier too long for the dialect', () => {
    const long = 'x'.repeat(64)
    const M = defineModel({ name: 'M', properties: { id: { type: 'number', id: true }, [long]: { type: 'string' } } })
    expect(() => map([M])).toThrow(new RegExp(`Model "M" property "${long}": column name "${long}" is 64 bytes, longer than the 63`))
    // SQLite keeps long names (our limit there is 128).
    expect(() => map([M], sqliteDialect)).not.toThrow()
  })

  it('no id property: the juggler\'s generated numeric id, as LoopBack adds it', () => {
    const M = defineModel({ name: 'Log', properties: { line: { type: 'string' } } })
    const table = schemaFromModels([M.definition], sqliteDialect).database.tables[0]!
    expect(table.primaryKey).toEqual({ columns: ['id'] })
    expect(table.columns.find((c) => c.name === 'id')).toMatchObject({ type: { kind: 'integer' }, isAutoIncrement: true, isNullable: false })
    expect(table.columns.map((c) => c.name)).toEqual(['id', 'line'])
  })

  it('an index over a key that is not a property', () => {
    const M = defineModel({
      name: 'T',
      properties: { id: { type: 'number', id: true } },
      settings: { indexes: { t_idx: { keys: { ghost: 1 } } } },
    })
    expect(() => map([M])).toThrow(/Model "T" index "t_idx": key "ghost" is neither a property nor a column/)
  })

  it('a type name that is not a type cannot smuggle SQL', () => {
    const M = defineModel({
      name: 'T',
      properties: { id: { type: 'number', id: true }, x: { type: 'string', dataType: 'text); DROP TABLE users; --' } },
    })
    expect(() => map([M])).toThrow(/Model "T" property "x": dataType .* is not understood/)
  })

  it('the datasource refuses before connecting', async () => {
    const M = defineModel({ name: 'Order', properties: { id: { type: 'number', id: true }, total: { type: 'money' } } })
    // An unreachable port: the model error must come first, with no connection attempt needed.
    const ds = new DataSource({ connector: 'postgresql', url: 'postgres://u:secret@127.0.0.1:1/db', schema: 'public', models: [M] })
    await expect(ds.autoupdate()).rejects.toThrow(/Model "Order" property "total"/)
    await ds.disconnect()
  })
})

describe('an unreachable database', () => {
  it('fails with a clear message and the password redacted', async () => {
    const M = defineModel({ name: 'Order', properties: { id: { type: 'number', id: true } } })
    const ds = new DataSource({ name: 'main', connector: 'postgresql', url: 'postgres://app:s3cr3t@127.0.0.1:1/shop', models: [M] })
    const err = await ds.autoupdate().catch((e) => e)
    expect(err.code).toBe('CONNECTION_FAILED')
    expect(err.message).toMatch(/Cannot connect datasource "main" to postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/shop/)
    expect(err.message).not.toMatch(/s3cr3t/)
    await ds.disconnect()
  })
})

describe('defaults and sizes the column cannot hold are model errors', () => {
  const one = (props: Record<string, unknown>) => defineModel({ name: 'Item', properties: { id: { type: 'number', id: true }, ...props } as any })
  it.each([
    [{ n: { type: 'number', default: 'abc' } }, /Model "Item" property "n".*default "abc" is not a number/],
    [{ n: { type: 'number', dataType: 'integer', default: 1.5 } }, /property "n".*default 1.5 is not a whole number/],
    [{ b: { type: 'boolean', default: 'maybe' } }, /property "b".*default "maybe" is not true or false/],
    [{ s: { type: 'string', length: 3, default: 'toolong' } }, /property "s".*default "toolong" is not at most 3 characters long/],
    [{ d: { type: 'date', default: 'someday' } }, /property "d".*default "someday" is not a date/],
    [{ s: { type: 'string', length: -5 } }, /property "s".*length -5 is not a whole number ≥ 1/],
    [{ s: { type: 'string', length: '10' } }, /property "s".*length "10" is not a whole number ≥ 1/],
    [{ p: { type: 'number', precision: 5, scale: -1 } }, /property "p".*scale -1 is not a whole number ≥ 0/],
  ])('%j', (props, message) => {
    for (const dialect of [postgresDialect, sqliteDialect, mysqlDialect]) {
      expect(() => map([one(props)], dialect)).toThrow(ModelDefinitionError)
      expect(() => map([one(props)], dialect)).toThrow(message)
    }
  })
  it('accepts defaults that fit', () => {
    expect(() => map([one({ n: { type: 'number', default: '2.5' }, b: { type: 'boolean', default: false }, s: { type: 'string', length: 3, default: 'abc' } })])).not.toThrow()
  })
})
