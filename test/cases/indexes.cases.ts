import { everywhere, type Case } from './case.js'

const id = { type: 'number', id: true }

export const indexCases: Case[] = [
  {
    name: 'adds an index declared on a property',
    before: [{ name: 'Doc', properties: { id, title: { type: 'string', length: 100 } } }],
    after: [{ name: 'Doc', properties: { id, title: { type: 'string', length: 100, index: true } } }],
    rows: { Doc: [{ id: 1, title: 'a' }, { id: 2, title: 'a' }] },
    up: {
      postgres: [
        'DROP INDEX CONCURRENTLY IF EXISTS "{schema}"."shipshape_build_{id}"',
        'CREATE INDEX CONCURRENTLY "shipshape_build_{id}" ON "{schema}"."Doc" ("title")',
        `DO $shipshape$ BEGIN ALTER INDEX "{schema}"."shipshape_build_{id}" RENAME TO "Doc_title_idx"; COMMENT ON INDEX "{schema}"."Doc_title_idx" IS 'shipshape'; END $shipshape$`,
      ],
      mysql: [
        "ALTER TABLE `{schema}`.`Doc` ADD INDEX `Doc_title_idx` (`title`) COMMENT 'shipshape', ALGORITHM=INPLACE, LOCK=NONE",
      ],
      sqlite: [
        'CREATE INDEX "Doc_title_idx" /*shipshape*/ ON "Doc" ("title")',
      ],
    },
    down: {
      postgres: [
        'DROP INDEX "{schema}"."Doc_title_idx"',
      ],
      mysql: [
        'ALTER TABLE `Doc` DROP INDEX `Doc_title_idx`, ALGORITHM=INPLACE, LOCK=NONE',
      ],
      sqlite: [
        'DROP INDEX "Doc_title_idx"',
      ],
    },
  },
  {
    name: 'adds a unique index over distinct values',
    before: [{ name: 'U', properties: { id, email: { type: 'string', length: 100 } } }],
    after: [{ name: 'U', properties: { id, email: { type: 'string', length: 100, unique: true } } }],
    rows: { U: [{ id: 1, email: 'a@x' }, { id: 2, email: 'b@x' }] },
    up: {
      postgres: [
        'DROP INDEX CONCURRENTLY IF EXISTS "{schema}"."shipshape_build_{id}"',
        'CREATE UNIQUE INDEX CONCURRENTLY "shipshape_build_{id}" ON "{schema}"."U" ("email")',
        `DO $shipshape$ BEGIN ALTER INDEX "{schema}"."shipshape_build_{id}" RENAME TO "U_email_key"; COMMENT ON INDEX "{schema}"."U_email_key" IS 'shipshape'; END $shipshape$`,
      ],
      mysql: [
        "ALTER TABLE `{schema}`.`U` ADD UNIQUE INDEX `U_email_key` (`email`) COMMENT 'shipshape', ALGORITHM=INPLACE, LOCK=NONE",
      ],
      sqlite: [
        'CREATE UNIQUE INDEX "U_email_key" /*shipshape*/ ON "U" ("email")',
      ],
    },
    down: {
      postgres: [
        'DROP INDEX "{schema}"."U_email_key"',
      ],
      mysql: [
        'ALTER TABLE `U` DROP INDEX `U_email_key`, ALGORITHM=INPLACE, LOCK=NONE',
      ],
      sqlite: [
        'DROP INDEX "U_email_key"',
      ],
    },
  },
  {
    name: 'adds a unique index over a column where several rows hold NULL (NULLs are not duplicates)',
    before: [{ name: 'U', properties: { id, email: { type: 'string', length: 100 } } }],
    after: [{ name: 'U', properties: { id, email: { type: 'string', length: 100, unique: true } } }],
    rows: { U: [{ id: 1, email: 'a@x' }, { id: 2, email: null }, { id: 3, email: null }] },
    up: {
      postgres: [
        'DROP INDEX CONCURRENTLY IF EXISTS "{schema}"."shipshape_build_{id}"',
        'CREATE UNIQUE INDEX CONCURRENTLY "shipshape_build_{id}" ON "{schema}"."U" ("email")',
        `DO $shipshape$ BEGIN ALTER INDEX "{schema}"."shipshape_build_{id}" RENAME TO "U_email_key"; COMMENT ON INDEX "{schema}"."U_email_key" IS 'shipshape'; END $shipshape$`,
      ],
      mysql: [
        "ALTER TABLE `{schema}`.`U` ADD UNIQUE INDEX `U_email_key` (`email`) COMMENT 'shipshape', ALGORITHM=INPLACE, LOCK=NONE",
      ],
      sqlite: [
        'CREATE UNIQUE INDEX "U_email_key" /*shipshape*/ ON "U" ("email")',
      ],
    },
  },
  {
    name: 'refuses a unique index over duplicates, with the count',
    before: [{ name: 'U', properties: { id, email: { type: 'string', length: 100 } } }],
    after: [{ name: 'U', properties: { id, email: { type: 'string', length: 100, unique: true } } }],
    rows: { U: [{ id: 1, email: 'a@x' }, { id: 2, email: 'a@x' }, { id: 3, email: 'b@x' }] },
    up: {
      postgres: [
        'DROP INDEX CONCURRENTLY IF EXISTS "{schema}"."shipshape_build_{id}"',
        'CREATE UNIQUE INDEX CONCURRENTLY "shipshape_build_{id}" ON "{schema}"."U" ("email")',
        `DO $shipshape$ BEGIN ALTER INDEX "{schema}"."shipshape_build_{id}" RENAME TO "U_email_key"; COMMENT ON INDEX "{schema}"."U_email_key" IS 'shipshape'; END $shipshape$`,
      ],
      mysql: [
        "ALTER TABLE `{schema}`.`U` ADD UNIQUE INDEX `U_email_key` (`email`) COMMENT 'shipshape', ALGORITHM=INPLACE, LOCK=NONE",
      ],
      sqlite: [
        'CREATE UNIQUE INDEX "U_email_key" /*shipshape*/ ON "U" ("email")',
      ],
    },
    refused: { rule: 'would-fail', reasons: everywhere([
        'model "U" table "U": 1 value(s) of (email) appear more than once; the unique key would fail. Remove the duplicates first.',
      ]) },
  },
  {
    name: 'adds a composite index in the declared order and direction',
    before: [{ name: 'Ev', properties: { id, kind: { type: 'string', length: 20 }, at: { type: 'number', dataType: 'integer' } } }],
    after: [
      {
        name: 'Ev',
        properties: { id, kind: { type: 'string', length: 20 }, at: { type: 'number', dataType: 'integer' } },
        settings: { indexes: { ev_kind_at_idx: { keys: { kind: 1, at: -1 } } } },
      },
    ],
    rows: { Ev: [{ id: 1, kind: 'a', at: 1 }] },
    up: {
      postgres: [
        'DROP INDEX CONCURRENTLY IF EXISTS "{schema}"."shipshape_build_{id}"',
        'CREATE INDEX CONCURRENTLY "shipshape_build_{id}" ON "{schema}"."Ev" ("kind", "at" DESC)',
        `DO $shipshape$ BEGIN ALTER INDEX "{schema}"."shipshape_build_{id}" RENAME TO "ev_kind_at_idx"; COMMENT ON INDEX "{schema}"."ev_kind_at_idx" IS 'shipshape'; END $shipshape$`,
      ],
      mysql: [
        "ALTER TABLE `{schema}`.`Ev` ADD INDEX `ev_kind_at_idx` (`kind`, `at` DESC) COMMENT 'shipshape', ALGORITHM=INPLACE, LOCK=NONE",
      ],
      sqlite: [
        'CREATE INDEX "ev_kind_at_idx" /*shipshape*/ ON "Ev" ("kind", "at" DESC)',
      ],
    },
    down: {
      postgres: [
        'DROP INDEX "{schema}"."ev_kind_at_idx"',
      ],
      mysql: [
        'ALTER TABLE `Ev` DROP INDEX `ev_kind_at_idx`, ALGORITHM=INPLACE, LOCK=NONE',
      ],
      sqlite: [
        'DROP INDEX "ev_kind_at_idx"',
      ],
    },
  },
  {
    name: 'adds a composite unique index',
    before: [{ name: 'Seat', properties: { id, row: { type: 'string', length: 2 }, num: { type: 'number', dataType: 'integer' } } }],
    after: [
      {
        name: 'Seat',
        properties: { id, row: { type: 'string', length: 2 }, num: { type: 'number', dataType: 'integer' } },
        settings: { indexes: { seat_row_num_key: { keys: { row: 1, num: 1 }, options: { unique: true } } } },
      },
    ],
    rows: { Seat: [{ id: 1, row: 'A', num: 1 }, { id: 2, row: 'A', num: 2 }] },
    up: {
      postgres: [
        'DROP INDEX CONCURRENTLY IF EXISTS "{schema}"."shipshape_build_{id}"',
        'CREATE UNIQUE INDEX CONCURRENTLY "shipshape_build_{id}" ON "{schema}"."Seat" ("row", "num")',
        `DO $shipshape$ BEGIN ALTER INDEX "{schema}"."shipshape_build_{id}" RENAME TO "seat_row_num_key"; COMMENT ON INDEX "{schema}"."seat_row_num_key" IS 'shipshape'; END $shipshape$`,
      ],
      mysql: [
        "ALTER TABLE `{schema}`.`Seat` ADD UNIQUE INDEX `seat_row_num_key` (`row`, `num`) COMMENT 'shipshape', ALGORITHM=INPLACE, LOCK=NONE",
      ],
      sqlite: [
        'CREATE UNIQUE INDEX "seat_row_num_key" /*shipshape*/ ON "Seat" ("row", "num")',
      ],
    },
  },
  {
    name: 'drops an index the model no longer declares',
    before: [
      {
        name: 'Ev',
        properties: { id, kind: { type: 'string', length: 20 } },
        settings: { indexes: { ev_kind_idx: { keys: { kind: 1 } } } },
      },
    ],
    after: [{ name: 'Ev', properties: { id, kind: { type: 'string', length: 20 } } }],
    rows: { Ev: [{ id: 1, kind: 'a' }] },
    up: {
      postgres: [
        'DROP INDEX "{schema}"."ev_kind_idx"',
      ],
      mysql: [
        'ALTER TABLE `{schema}`.`Ev` DROP INDEX `ev_kind_idx`, ALGORITHM=INPLACE, LOCK=NONE',
      ],
      sqlite: [
        'DROP INDEX "ev_kind_idx"',
      ],
    },
    down: {
      postgres: [
        'CREATE INDEX "ev_kind_idx" ON "{schema}"."Ev" ("kind")',
        `COMMENT ON INDEX "{schema}"."ev_kind_idx" IS 'shipshape'`,
      ],
      mysql: [
        "ALTER TABLE `Ev` ADD INDEX `ev_kind_idx` (`kind`) COMMENT 'shipshape', ALGORITHM=INPLACE, LOCK=NONE",
      ],
      sqlite: [
        'CREATE INDEX "ev_kind_idx" /*shipshape*/ ON "Ev" ("kind")',
      ],
    },
  },
  {
    name: 'keeps an index on a renamed column, renamed inside by the engine',
    before: [
      { name: 'Person', properties: { id, fullname: { type: 'string', length: 100 } }, settings: { indexes: { person_name_idx: { keys: { fullname: 1 } } } } },
    ],
    after: [
      {
        name: 'Person',
        properties: { id, name: { type: 'string', length: 100, renamedFrom: 'fullname' } },
        settings: { indexes: { person_name_idx: { keys: { name: 1 } } } },
      },
    ],
    rows: { Person: [{ id: 1, fullname: 'Ada' }] },
    rowsAfter: { Person: [{ id: 1, name: 'Ada' }] },
    up: {
      postgres: [
        'ALTER TABLE "{schema}"."Person" RENAME COLUMN "fullname" TO "name"',
      ],
      mysql: [
        'ALTER TABLE `{schema}`.`Person` RENAME COLUMN `fullname` TO `name`, ALGORITHM=INSTANT',
      ],
      sqlite: [
        'ALTER TABLE "Person" RENAME COLUMN "fullname" TO "name"',
      ],
    },
  },
]
