import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataSource, defineModel } from '../../../src/index.js'
import { sqliteBackend, type TestScope } from '../../support/backends.js'

// Tables written by hand, as a team or another tool would, with hostile names: a rebuild
// must give back the same table with only the planned change made.
const ACCOUNT = 'Acc"ount [🍎]'
const EMAIL = 'e"mail'

const Account = (noteRequired: boolean) =>
  defineModel({
    name: 'Account',
    properties: {
      id: { type: 'number', id: true, generated: true },
      [EMAIL]: { type: 'string', sqlite: { dataType: 'TEXT' } },
      qty: { type: 'number', sqlite: { dataType: 'INTEGER' } },
      note: { type: 'string', sqlite: { dataType: 'TEXT' }, required: noteRequired, ...(noteRequired ? { default: '' } : {}) },
    },
    settings: { table: ACCOUNT },
  })

describe('SQLite rebuilds keep what the models don\'t describe', () => {
  let scope: TestScope
  beforeEach(async () => {
    scope = await sqliteBackend.create()
  })
  afterEach(async () => {
    await scope.dispose()
  })

  const tableSql = async (name: string) =>
    (await scope.raw(`SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?`, [name]))[0]?.sql as string

  it('keeps the AUTOINCREMENT sequence, CHECK, COLLATE NOCASE, a UNIQUE table constraint and no ownership mark', async () => {
    await scope.raw(
      `CREATE TABLE "Acc""ount [🍎]" (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        "e""mail" TEXT COLLATE NOCASE, -- case-folded, by hand
        qty INTEGER CHECK (qty >= 0),
        note TEXT,
        CONSTRAINT "one ""email""" UNIQUE ("e""mail")
      )`,
    )
    for (let i = 1; i <= 10; i++) await scope.insert(ACCOUNT, { [EMAIL]: `u${i}@x.com`, qty: i, note: `n${i}` })
    await scope.raw(`DELETE FROM ${scope.table(ACCOUNT)} WHERE id > 8`)

    const v1 = new DataSource({ ...scope.config, models: [Account(false)] })
    expect((await v1.planAutoupdate()).changes).toEqual([])
    await v1.disconnect()

    const v2 = new DataSource({ ...scope.config, models: [Account(true)] })
    const r = await v2.autoupdate()
    expect(r.plan.changes.map((c) => c.change.kind)).toEqual(['rebuild-table'])

    // Rows, and the sequence: deleted ids 9 and 10 don't come back.
    expect((await scope.rows(ACCOUNT, 'id')).map((x) => [x.id, x[EMAIL], x.qty, x.note])).toEqual(
      Array.from({ length: 8 }, (_, i) => [i + 1, `u${i + 1}@x.com`, i + 1, `n${i + 1}`]),
    )
    await scope.insert(ACCOUNT, { [EMAIL]: 'new@x.com', qty: 1 })
    expect((await scope.raw(`SELECT max(id) AS id FROM ${scope.table(ACCOUNT)}`))[0]!.id).toBe(11)
    expect(await scope.raw(`SELECT seq FROM sqlite_sequence WHERE name = ?`, [ACCOUNT])).toEqual([{ seq: 11 }])

    // The collation still folds case under the UNIQUE constraint, and the CHECK still rejects.
    await expect(scope.insert(ACCOUNT, { [EMAIL]: 'U1@X.COM', qty: 1 })).rejects.toThrow(/UNIQUE/)
    await expect(scope.insert(ACCOUNT, { [EMAIL]: 'neg@x.com', qty: -5 })).rejects.toThrow(/CHECK/)
    expect(await scope.catalog.indexes(ACCOUNT)).toEqual([{ name: `sqlite_autoindex_${ACCOUNT}_1`, unique: true, columns: [EMAIL] }])

    // The table is still the team's: only the changed column differs from what they wrote.
    const sql = await tableSql(ACCOUNT)
    expect(sql).not.toContain('/*shipshape*/')
    expect(sql).toContain('COLLATE NOCASE')
    expect(sql).toContain('CHECK (qty >= 0)')
    expect(sql).toContain('CONSTRAINT "one ""email""" UNIQUE ("e""mail")')
    expect(sql).toMatch(/"?note"? TEXT NOT NULL DEFAULT ''/)
    expect(await scope.catalog.columns(ACCOUNT)).toContainEqual({ name: 'note', type: 'text', nullable: false, default: "''" })

    expect((await v2.planAutoupdate()).changes).toEqual([])
    await v2.disconnect()
  })

  it('rebuilds a table read by views and triggers, referenced as REFERENCES "List" without columns', async () => {
    await scope.raw(`CREATE TABLE "List" (id INTEGER PRIMARY KEY, name TEXT)`)
    await scope.raw(`CREATE TABLE "It""em" (id INTEGER PRIMARY KEY, "listId" INTEGER REFERENCES "List" ON DELETE CASCADE, label TEXT)`)
    await scope.raw(`CREATE TABLE "Log" (what TEXT)`)
    await scope.raw(`CREATE VIEW "list view" AS SELECT l.name, i.label FROM "List" l JOIN "It""em" i ON i."listId" = l.id`)
    await scope.raw(`CREATE VIEW "count view" AS SELECT count(*) AS n FROM "list view"`)
    // A trigger on another table that writes into the rebuilt one, and one on the rebuilt table.
    await scope.raw(`CREATE TRIGGER "log to item" AFTER INSERT ON "Log" BEGIN INSERT INTO "It""em" ("listId", label) VALUES (1, NEW.what); END`)
    await scope.raw(`CREATE TRIGGER "item guard" BEFORE UPDATE ON "It""em" BEGIN SELECT RAISE(ABORT, 'items are final'); END`)
    await scope.insert('List', { id: 1, name: 'groceries' })
    await scope.insert('It"em', { listId: 1, label: 'milk' })

    const models = (required: boolean) => [
      defineModel({ name: 'List', properties: { id: { type: 'number', id: true }, name: { type: 'string', sqlite: { dataType: 'TEXT' } } } }),
      defineModel({
        name: 'It"em',
        properties: {
          id: { type: 'number', id: true },
          listId: { type: 'number', sqlite: { dataType: 'INTEGER' } },
          label: { type: 'string', sqlite: { dataType: 'TEXT' }, required, ...(required ? { default: '?' } : {}) },
        },
      }),
    ]
    const v1 = new DataSource({ ...scope.config, models: models(false) })
    expect((await v1.planAutoupdate()).changes).toEqual([])
    await v1.disconnect()

    const v2 = new DataSource({ ...scope.config, models: models(true) })
    const r = await v2.autoupdate()
    expect(r.plan.changes.map((c) => c.change.kind)).toEqual(['rebuild-table'])

    expect(await scope.raw(`SELECT * FROM "list view"`)).toEqual([{ name: 'groceries', label: 'milk' }])
    expect(await scope.raw(`SELECT * FROM "count view"`)).toEqual([{ n: 1 }])
    await scope.insert('Log', { what: 'eggs' })
    expect((await scope.rows('It"em', 'id')).map((x) => x.label)).toEqual(['milk', 'eggs'])
    await expect(scope.raw(`UPDATE "It""em" SET label = 'x'`)).rejects.toThrow(/items are final/)
    expect(await scope.catalog.foreignKeys('It"em')).toEqual([
      expect.objectContaining({ columns: ['listId'], refTable: 'List' }),
    ])
    expect(await tableSql('It"em')).toContain('REFERENCES "List" ON DELETE CASCADE')
    // The foreign key still cascades.
    await scope.raw(`PRAGMA foreign_keys = ON`)
    await scope.raw(`DELETE FROM "List"`)
    expect(await scope.rows('It"em', 'id')).toEqual([])
    expect((await v2.planAutoupdate()).changes).toEqual([])
    await v2.disconnect()
  })

  it('renames a column under its CHECK, index, view and trigger, and changes its type', async () => {
    await scope.raw(`CREATE TABLE "Stock" (id INTEGER PRIMARY KEY AUTOINCREMENT, qty INTEGER CHECK (qty >= 0), sku VARCHAR(10) COLLATE NOCASE)`)
    await scope.raw(`CREATE INDEX "stock by qty" ON "Stock" (qty DESC) WHERE qty > 0`)
    await scope.raw(`CREATE VIEW "low stock" AS SELECT sku, qty FROM "Stock" WHERE qty < 5`)
    await scope.raw(`CREATE TABLE "Log" (what TEXT)`)
    await scope.raw(`CREATE TRIGGER "stock log" AFTER UPDATE OF qty ON "Stock" BEGIN INSERT INTO "Log" VALUES (NEW.sku || '=' || NEW.qty); END`)
    await scope.insert('Stock', { qty: 3, sku: 'abc' })

    const Stock = defineModel({
      name: 'Stock',
      properties: {
        id: { type: 'number', id: true, generated: true },
        quantity: { type: 'number', renamedFrom: 'qty', sqlite: { dataType: 'INTEGER' } },
        sku: { type: 'string', length: 20 },
      },
    })
    const ds = new DataSource({ ...scope.config, models: [Stock] })
    const r = await ds.autoupdate()
    expect(r.plan.changes.map((c) => c.change.kind)).toEqual(['rebuild-table'])
    expect(await scope.rows('Stock', 'id')).toEqual([{ id: 1, quantity: 3, sku: 'abc' }])

    await expect(scope.raw(`UPDATE "Stock" SET quantity = -1`)).rejects.toThrow(/CHECK/)
    await expect(scope.raw(`SELECT count(*) AS n FROM "Stock" WHERE sku = 'ABC'`)).resolves.toEqual([{ n: 1 }])
    expect(await scope.catalog.columns('Stock')).toContainEqual({ name: 'sku', type: 'varchar(20)', nullable: true, default: null })
    expect(await scope.catalog.indexes('Stock')).toEqual([{ name: 'stock by qty', unique: false, columns: ['quantity'] }])
    // SQLite's own RENAME COLUMN rewrote the view, as it would without Shipshape.
    expect(await scope.raw(`SELECT * FROM "low stock"`)).toEqual([{ sku: 'abc', quantity: 3 }])
    await scope.raw(`UPDATE "Stock" SET quantity = 4`)
    expect(await scope.rows('Log', 'what')).toEqual([{ what: 'abc=4' }])
    expect((await ds.planAutoupdate()).changes).toEqual([])
    await ds.disconnect()
  })

  it('keeps generated columns, STRICT, ON DELETE SET NULL and DEFAULT NULL as written', async () => {
    await scope.raw(
      `CREATE TABLE "Price" (
        id INTEGER PRIMARY KEY,
        net REAL NOT NULL DEFAULT 0 CHECK (net >= 0),
        gross REAL GENERATED ALWAYS AS (net * 1.5) VIRTUAL,
        parent INTEGER DEFAULT NULL REFERENCES "Price" ON DELETE SET NULL,
        label TEXT /* optional, for now */
      ) STRICT`,
    )
    await scope.insert('Price', { id: 1, net: 2, label: 'a' })
    await scope.insert('Price', { id: 2, net: 4, parent: 1, label: 'b' })
    const Price = defineModel({
      name: 'Price',
      properties: {
        id: { type: 'number', id: true },
        net: { type: 'number', required: true, default: 0, sqlite: { dataType: 'REAL' } },
        parent: { type: 'number', sqlite: { dataType: 'INTEGER' } },
        label: { type: 'string', required: true, default: '', sqlite: { dataType: 'TEXT' } },
      },
    })
    const ds = new DataSource({ ...scope.config, models: [Price] })
    const r = await ds.autoupdate()
    expect(r.plan.changes.map((c) => c.change.kind)).toEqual(['rebuild-table'])
    expect(await scope.raw(`SELECT id, net, gross, parent, label FROM "Price" ORDER BY id`)).toEqual([
      { id: 1, net: 2, gross: 3, parent: null, label: 'a' },
      { id: 2, net: 4, gross: 6, parent: 1, label: 'b' },
    ])
    expect(await scope.raw(`SELECT strict FROM pragma_table_list WHERE name = 'Price'`)).toEqual([{ strict: 1 }])
    await expect(scope.raw(`INSERT INTO "Price" (id, net, label) VALUES (3, 'x', 'c')`)).rejects.toThrow(/cannot store TEXT/)
    await expect(scope.raw(`INSERT INTO "Price" (id, net, label) VALUES (3, -1, 'c')`)).rejects.toThrow(/CHECK/)
    await scope.raw(`PRAGMA foreign_keys = ON`)
    await scope.raw(`DELETE FROM "Price" WHERE id = 1`)
    expect(await scope.raw(`SELECT parent FROM "Price"`)).toEqual([{ parent: null }])
    expect(await tableSql('Price')).toContain('/* optional, for now */')
    expect((await ds.planAutoupdate()).changes).toEqual([])
    await ds.disconnect()
  })
})
