import 'reflect-metadata'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { defineModel, postgresDialect, resolveRelation, schemaFromModels, sqliteDialect, type ModelDefinition } from '../../src/index.js'

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures')
/** Loaded by path, so the root type-check (TC39 decorators) doesn't see them; examples/loopback-todo type-checks legacy models with tsc. */
const fixture = (name: string) => join(FIXTURES, `${name}.legacy.ts`)

// eslint-disable-next-line @typescript-eslint/no-explicit-any
let Customer: any, Order: any, Product: any, Profile: any
beforeAll(async () => {
  ;({ Customer, Order, Product, Profile } = await import(fixture('shop')))
})

/** The same models in LoopBack's JSON shape: the decorators must give exactly this. */
const json = {
  Customer: defineModel({
    name: 'Customer',
    properties: {
      id: { type: 'number', id: true, generated: true },
      name: { type: 'string', required: true },
      since: { type: 'date' },
      vip: { type: 'boolean' },
      score: { type: 'number' },
      tags: { type: 'array', itemType: String },
      password: { type: 'string', hidden: true },
    },
    settings: { indexes: { byName: { keys: { name: 1 } } } },
  }),
  Order: defineModel({
    name: 'Order',
    properties: {
      id: { type: 'number', id: true, generated: true },
      total: { type: 'number', required: true },
      customerId: { type: 'number' },
      productIds: { type: 'array' },
    },
    relations: {
      customer: { type: 'belongsTo', model: 'Customer', foreignKey: 'customerId' },
      products: { type: 'referencesMany', model: 'Product', foreignKey: 'productIds' },
    },
  }),
  Profile: defineModel({
    name: 'Profile',
    properties: { id: { type: 'number', id: true, generated: true }, bio: { type: 'string' }, customerId: { type: 'number' } },
    relations: { customer: { type: 'belongsTo', model: 'Customer', foreignKey: 'customerId', foreignKeyConstraint: { onDelete: 'CASCADE' } } },
  }),
}

const withoutRelations = (d: ModelDefinition) => ({ name: d.name, properties: d.properties, settings: d.settings })

describe('legacy decorators (experimentalDecorators + emitDecoratorMetadata)', () => {
  it('take property types from design:type, like LoopBack, and give the JSON definition', () => {
    expect(withoutRelations(Customer.definition)).toEqual(withoutRelations(json.Customer.definition))
    expect(withoutRelations(Order.definition)).toEqual(withoutRelations(json.Order.definition))
    expect(Product.definition.properties.label).toEqual({ type: 'string' })
    for (const dialect of [postgresDialect, sqliteDialect]) {
      const all = [Customer, Order, Profile, Product].map((m) => m.definition)
      const allJson = [json.Customer, json.Order, json.Profile, Product].map((m) => m.definition)
      expect(schemaFromModels(all, dialect, { defaultSchema: 'public' }).database).toEqual(
        schemaFromModels(allJson, dialect, { defaultSchema: 'public' }).database,
      )
    }
  })

  it('record relations with LoopBack default keys', () => {
    expect(Object.keys(Customer.definition.relations!)).toEqual(['orders', 'profile'])
    const orders = resolveRelation(Customer.definition, 'orders')
    expect([orders.type, orders.target.name, orders.keyFrom, orders.keyTo, orders.isMany]).toEqual(['hasMany', 'Order', 'id', 'customerId', true])
    const customer = resolveRelation(Order.definition, 'customer')
    expect([customer.type, customer.target.name, customer.keyFrom, customer.keyTo, customer.isMany]).toEqual(['belongsTo', 'Customer', 'customerId', 'id', false])
    expect(customer.targetClass).toBe(Customer)
    const products = resolveRelation(Order.definition, 'products')
    expect([products.keyFrom, products.keyTo]).toEqual(['productIds', 'id'])
    const profile = resolveRelation(Customer.definition, 'profile')
    expect([profile.type, profile.keyTo, profile.isMany]).toEqual(['hasOne', 'customerId', false])
    // The JSON relations resolve the same way, looking the target up by name.
    const lookup = (n: string) => ({ Customer, Product } as Record<string, any>)[n]
    const fromJson = resolveRelation(json.Order.definition, 'customer', lookup)
    expect([fromJson.keyFrom, fromJson.keyTo, fromJson.target.name]).toEqual(['customerId', 'id', 'Customer'])
  })

  it('keep constructor data although the fields are [[Define]]d after super() (target ES2022)', () => {
    const c = new Customer({ id: 1, name: 'Ada', password: 's3cret', tags: ['a'] })
    expect(c.name).toBe('Ada')
    expect(c.password).toBe('s3cret')
    expect(c).toBeInstanceOf(Customer)
    expect(c.getId()).toBe(1)
    expect(Customer.name).toBe('Customer')
  })

  it('leave hidden properties out of toJSON, keep them in toObject', () => {
    const c = new Customer({ id: 1, name: 'Ada', password: 's3cret' })
    expect(c.toJSON()).toEqual({ id: 1, name: 'Ada' })
    expect(JSON.stringify(c)).not.toContain('s3cret')
    expect(c.toObject()).toEqual({ id: 1, name: 'Ada', password: 's3cret' })
    // Included relations are part of the JSON, converted too.
    const withOrders = new Customer({ id: 1, name: 'Ada', orders: [new Order({ id: 5, total: 3, customerId: 1 })] })
    expect(JSON.parse(JSON.stringify(withOrders))).toEqual({ id: 1, name: 'Ada', orders: [{ id: 5, total: 3, customerId: 1 }] })
  })

  it('without reflect-metadata: an untyped @property() is refused by name; typed models work, the foreign key takes the target id type', async () => {
    const R = Reflect as unknown as Record<string, unknown>
    // What an app that never loaded reflect-metadata has: none of its functions.
    const saved = { metadata: R.metadata, getMetadata: R.getMetadata, decorate: R.decorate }
    for (const k of Object.keys(saved)) delete R[k]
    try {
      await expect(import(fixture('untyped'))).rejects.toThrow(/Model "Untyped" property "title" has no type.*reflect-metadata/)
      const { Book } = await import(fixture('typed-without-metadata'))
      expect(Book.definition.properties.shelfCode).toEqual({ type: 'string' })
      expect(resolveRelation(Book.definition, 'shelf').keyTo).toBe('code')
    } finally {
      Object.assign(R, saved)
    }
  })
})
