import { describe, expect, it } from 'vitest'
import {
  buildPlan,
  defineModel,
  diffDatabases,
  mysqlDialect,
  normalizeDatabase,
  postgresDialect,
  schemaFromModels,
  sqliteDialect,
  type Database,
} from '../../src/index.js'
import { statementsToRun } from '../../src/schema/plan.js'

function desired(models: ReturnType<typeof defineModel>[], dialect = postgresDialect): Database {
  return normalizeDatabase(
    schemaFromModels(models.map((m) => m.definition), dialect, { defaultSchema: 'public' }).database,
    dialect,
  )
}

const A = defineModel({
  name: 'A',
  properties: { id: { type: 'number', id: true }, bId: { type: 'number' } },
  settings: { foreignKeys: { a_b: { name: 'a_b', entity: 'B', entityKey: 'id', foreignKey: 'bId' } } },
})
const B = defineModel({
  name: 'B',
  properties: { id: { type: 'number', id: true }, cId: { type: 'number' } },
  settings: { foreignKeys: { b_c: { name: 'b_c', entity: 'C', entityKey: 'id', foreignKey: 'cId' } } },
})
const C = defineModel({ name: 'C', properties: { id: { type: 'number', id: true } } })

describe('plan ordering', () => {
  it('creates every table before any foreign key, whatever order the models come in', () => {
    const want = desired([A, B, C])
    const { changes } = diffDatabases({ tables: [] }, want)
    const plan = buildPlan(changes, postgresDialect, { tables: [] }, 'autoupdate')
    const kinds = plan.changes.map((c) => c.change.kind)
    const lastCreate = kinds.lastIndexOf('create-table')
    const firstFk = kinds.indexOf('add-foreign-key')
    expect(lastCreate).toBeLessThan(firstFk)
    expect(kinds.filter((k) => k === 'add-foreign-key')).toHaveLength(2)
  })

  it('drops tables in reverse dependency order: referencing tables first', () => {
    const current = desired([A, B, C])
    const changes = current.tables.map((t) => ({ kind: 'drop-table' as const, table: t }))
    // Feed them in the worst order: C (referenced by B), B (referenced by A), A.
    changes.reverse()
    const plan = buildPlan(changes, postgresDialect, current, 'automigrate')
    expect(plan.changes.map((c) => c.change.kind === 'drop-table' && c.change.table.name)).toEqual(['A', 'B', 'C'])
  })

  it('puts foreign keys inside CREATE TABLE on SQLite, which cannot add them later', () => {
    const want = desired([A, B, C], sqliteDialect)
    const { changes } = diffDatabases({ tables: [] }, want)
    const plan = buildPlan(changes, sqliteDialect, { tables: [] }, 'autoupdate')
    expect(plan.changes.map((c) => c.change.kind)).toEqual(['create-table', 'create-table', 'create-table'])
    expect(plan.changes[0]!.statements[0]!.sql).toMatch(/CONSTRAINT "a_b" FOREIGN KEY \("bId"\) REFERENCES "B" \("id"\)/)
  })

  it('marks each change with its risk and reason', () => {
    const v1 = defineModel({ name: 'T', properties: { id: { type: 'number', id: true }, s: { type: 'string', length: 50 }, n: { type: 'string' } } })
    const v2 = defineModel({
      name: 'T',
      properties: { id: { type: 'number', id: true }, s: { type: 'string', length: 200 }, n: { type: 'number' }, r: { type: 'string', required: true } },
    })
    const current = desired([v1])
    const plan = buildPlan(diffDatabases(current, desired([v2])).changes, postgresDialect, current, 'autoupdate')
    const bySummary = Object.fromEntries(plan.changes.map((c) => [c.summary, c]))
    expect(bySummary['alter column public.T.s: type varchar(50) → varchar(200)']!.risk).toBe('rewrite')
    expect(bySummary['alter column public.T.n: type text → double']!.risk).toBe('destructive')
    expect(bySummary['alter column public.T.n: type text → double']!.destructive[0]).toMatch(/model "T" property "n" column "public\.T\.n"/)
    expect(bySummary['add column public.T.r text not null']!.risk).toBe('scan')
    expect(plan.changes.find((c) => c.change.kind === 'alter-column' && c.change.to.name === 'n')!.statements[0]!.sql).toBe(
      'ALTER TABLE "public"."T" ALTER COLUMN "n" TYPE double precision USING "n"::double precision',
    )
  })

  it('MySQL: a table\'s column and index changes run as one ALTER TABLE where the last of them stood, foreign keys around it; a new table\'s indexes inside its CREATE TABLE', () => {
    const P = defineModel({ name: 'P', properties: { id: { type: 'number', id: true } } })
    const v1 = defineModel({
      name: 'T',
      properties: { id: { type: 'number', id: true }, pId: { type: 'number' }, a: { type: 'string', length: 20 } },
      settings: { foreignKeys: { t_p: { name: 't_p', entity: 'P', entityKey: 'id', foreignKey: 'pId' } } },
    })
    const v2 = defineModel({
      name: 'T',
      properties: { id: { type: 'number', id: true }, pId: { type: 'number' }, a: { type: 'string', length: 20, index: true }, b: { type: 'string', length: 20 } },
      settings: { foreignKeys: { t_p: { name: 't_p', entity: 'P', entityKey: 'id', foreignKey: 'pId', onDelete: 'CASCADE' } } },
    })
    const N = defineModel({ name: 'N', properties: { id: { type: 'number', id: true }, c: { type: 'string', length: 20, index: true } } })
    const current = desired([P, v1], mysqlDialect)
    const plan = buildPlan(diffDatabases(current, desired([P, v2, N], mysqlDialect)).changes, mysqlDialect, current, 'autoupdate')
    expect(plan.changes.map((c) => c.summary)).toEqual([
      'drop foreign key t_p on public.T',
      'create table public.N (id, c)',
      'add column public.T.b varchar(20)',
      'add index T_a_idx on public.T (a)',
      'add index N_c_idx on public.N (c)',
      'add foreign key t_p on public.T (pId) → P',
    ])
    const sent = statementsToRun(plan.changes).all.map((s) => s.statement.sql)
    expect(sent).toEqual([
      'ALTER TABLE `public`.`T` DROP FOREIGN KEY `t_p`, DROP INDEX `t_p`',
      'CREATE TABLE `public`.`N` (\n' +
        '  `id` INT NOT NULL,\n' +
        '  `c` VARCHAR(20) NULL,\n' +
        '  PRIMARY KEY (`id`),\n' +
        "  INDEX `N_c_idx` (`c`) COMMENT 'shipshape'\n" +
        ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci',
      "ALTER TABLE `public`.`T` ADD COLUMN `b` VARCHAR(20) NULL, ADD INDEX `T_a_idx` (`a`) COMMENT 'shipshape', ALGORITHM=INPLACE, LOCK=NONE",
      "ALTER TABLE `public`.`T` ADD INDEX `t_p` (`pId`) COMMENT 'shipshape', ADD CONSTRAINT `t_p` FOREIGN KEY (`pId`) REFERENCES `public`.`P` (`id`) ON DELETE CASCADE ON UPDATE NO ACTION",
    ])
    // Each carried change keeps its own statement for reading, pointing at the one that runs it.
    expect(plan.changes.map((c) => c.statements.map((s) => s.combinedInto ?? null))).toEqual([[null], [1, null], [3], [3, null], [1], [null]])
  })
})
