import { describe, expect, it } from 'vitest'
import type { Change } from '../../src/schema/changes.js'
import type { ForeignKey, Index, Table } from '../../src/schema/ir.js'
import { renderPostgres } from '../../src/dialects/postgres/render.js'
import { renderMysql } from '../../src/dialects/mysql/render.js'
import { renderSqlite } from '../../src/dialects/sqlite/render.js'

// Index-column and foreign-key clauses come from one helper (src/dialects/key-clauses.ts),
// quoted per dialect; server-free, the SQL each renderer writes with it.
const fk: ForeignKey = { name: 'child_parent_fk', columns: ['parentId', 'b'], references: { table: 'parent', columns: ['id', 'b'] }, onDelete: 'cascade', onUpdate: 'no action', isOwned: true }
const onUpdateOnly: ForeignKey = { ...fk, onDelete: 'no action', onUpdate: 'set null' }
const index = { name: 'ix', columns: [{ name: 'a' }, { name: 'b', order: 'desc' }], isUnique: true, isOwned: true } as Index
const table = {
  schema: 'app',
  name: 'child',
  columns: [{ name: 'parentId', type: { kind: 'integer' }, isNullable: true }],
  indexes: [],
  foreignKeys: [fk, onUpdateOnly],
} as unknown as Table
const ctx = { current: { tables: [] } }
const sql = (render: typeof renderPostgres, change: unknown) => render(change as Change, ctx).map((s) => s.sql)

describe('index-column and foreign-key clauses', () => {
  it('PostgreSQL: schema-qualified reference, actions only where not NO ACTION', () => {
    expect(sql(renderPostgres, { kind: 'add-foreign-key', table, foreignKey: fk })[0]).toBe(
      'ALTER TABLE "app"."child" ADD CONSTRAINT "child_parent_fk" FOREIGN KEY ("parentId", "b") REFERENCES "app"."parent" ("id", "b") ON DELETE CASCADE',
    )
    expect(sql(renderPostgres, { kind: 'add-foreign-key', table, foreignKey: onUpdateOnly })[0]).toMatch(/\("id", "b"\) ON UPDATE SET NULL$/)
    expect(sql(renderPostgres, { kind: 'add-index', table, index })[0]).toBe('CREATE UNIQUE INDEX "ix" ON "app"."child" ("a", "b" DESC)')
  })

  it('MySQL: backticks, actions always spelled out', () => {
    expect(sql(renderMysql, { kind: 'add-foreign-key', table, foreignKey: onUpdateOnly })).toEqual([
      "ALTER TABLE `app`.`child` ADD INDEX `child_parent_fk` (`parentId`, `b`) COMMENT 'shipshape', " +
        'ADD CONSTRAINT `child_parent_fk` FOREIGN KEY (`parentId`, `b`) REFERENCES `app`.`parent` (`id`, `b`) ON DELETE NO ACTION ON UPDATE SET NULL',
    ])
    expect(sql(renderMysql, { kind: 'add-index', table, index })).toEqual([
      "ALTER TABLE `app`.`child` ADD UNIQUE INDEX `ix` (`a`, `b` DESC) COMMENT 'shipshape', ALGORITHM=INPLACE, LOCK=NONE",
    ])
  })

  it('SQLite: unqualified reference inside CREATE TABLE', () => {
    expect(sql(renderSqlite, { kind: 'create-table', table })[0]).toBe(
      'CREATE TABLE "child" /*shipshape*/ (\n  "parentId" INTEGER,\n' +
        '  CONSTRAINT "child_parent_fk" FOREIGN KEY ("parentId", "b") REFERENCES "parent" ("id", "b") ON DELETE CASCADE,\n' +
        '  CONSTRAINT "child_parent_fk" FOREIGN KEY ("parentId", "b") REFERENCES "parent" ("id", "b") ON UPDATE SET NULL\n)',
    )
    expect(sql(renderSqlite, { kind: 'add-index', table, index })).toEqual(['CREATE UNIQUE INDEX "ix" /*shipshape*/ ON "child" ("a", "b" DESC)'])
  })
})
