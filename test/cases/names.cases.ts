import type { Case } from './case.js'

const evil = `x"; DROP TABLE "Victim"; --`
const weird = `Weird "Table"; --`

export const nameCases: Case[] = [
  {
    name: 'creates a table whose names hold quotes, semicolons and spaces',
    before: [],
    after: [
      {
        name: weird,
        properties: {
          id: { type: 'number', id: true },
          [evil]: { type: 'string', length: 60, default: `'); DROP TABLE "Victim"; --` },
          'Mixed Case Column': { type: 'string', length: 30, default: "it's" },
          order: { type: 'string', length: 20, index: true },
        },
      },
    ],
    up: {
      postgres: [
        `CREATE TABLE "{schema}"."Weird ""Table""; --" (
  "id" integer NOT NULL,
  "x""; DROP TABLE ""Victim""; --" varchar(60) DEFAULT '''); DROP TABLE "Victim"; --',
  "Mixed Case Column" varchar(30) DEFAULT 'it''s',
  "order" varchar(20),
  PRIMARY KEY ("id")
)`,
        'CREATE INDEX "Weird ""Table""; --_order_idx" ON "{schema}"."Weird ""Table""; --" ("order")',
        `COMMENT ON INDEX "{schema}"."Weird ""Table""; --_order_idx" IS 'shipshape'`,
      ],
      mysql: [
        `CREATE TABLE \`{schema}\`.\`Weird "Table"; --\` (
  \`id\` INT NOT NULL,
  \`x"; DROP TABLE "Victim"; --\` VARCHAR(60) NULL DEFAULT '''); DROP TABLE "Victim"; --',
  \`Mixed Case Column\` VARCHAR(30) NULL DEFAULT 'it''s',
  \`order\` VARCHAR(20) NULL,
  PRIMARY KEY (\`id\`),
  INDEX \`Weird "Table"; --_order_idx\` (\`order\`) COMMENT 'shipshape'
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
      ],
      sqlite: [
        `CREATE TABLE "Weird ""Table""; --" /*shipshape*/ (
  "id" INTEGER NOT NULL,
  "x""; DROP TABLE ""Victim""; --" VARCHAR(60) DEFAULT '''); DROP TABLE "Victim"; --',
  "Mixed Case Column" VARCHAR(30) DEFAULT 'it''s',
  "order" VARCHAR(20),
  PRIMARY KEY ("id")
)`,
        'CREATE INDEX "Weird ""Table""; --_order_idx" /*shipshape*/ ON "Weird ""Table""; --" ("order")',
      ],
    },
  },
  {
    name: 'adds and renames columns with hostile names on a table with rows',
    before: [{ name: weird, properties: { id: { type: 'number', id: true }, 'old `name`': { type: 'string', length: 20 } } }],
    after: [
      {
        name: weird,
        properties: {
          id: { type: 'number', id: true },
          [evil]: { type: 'string', length: 20, renamedFrom: 'old `name`' },
          'group': { type: 'number', dataType: 'integer', required: true, default: 0 },
        },
      },
    ],
    rows: { [weird]: [{ id: 1, 'old `name`': 'kept' }] },
    rowsAfter: { [weird]: [{ id: 1, [evil]: 'kept', group: 0 }] },
    up: {
      postgres: [
        'ALTER TABLE "{schema}"."Weird ""Table""; --" RENAME COLUMN "old `name`" TO "x""; DROP TABLE ""Victim""; --"',
        'ALTER TABLE "{schema}"."Weird ""Table""; --" ADD COLUMN "group" integer NOT NULL DEFAULT 0',
      ],
      mysql: [
        'ALTER TABLE `{schema}`.`Weird "Table"; --` RENAME COLUMN `old ``name``` TO `x"; DROP TABLE "Victim"; --`, ALGORITHM=INSTANT',
        'ALTER TABLE `{schema}`.`Weird "Table"; --` ADD COLUMN `group` INT NOT NULL DEFAULT 0, ALGORITHM=INSTANT',
      ],
      sqlite: [
        'ALTER TABLE "Weird ""Table""; --" RENAME COLUMN "old `name`" TO "x""; DROP TABLE ""Victim""; --"',
        'ALTER TABLE "Weird ""Table""; --" ADD COLUMN "group" INTEGER NOT NULL DEFAULT 0',
      ],
    },
    down: {
      postgres: [
        'ALTER TABLE "{schema}"."Weird ""Table""; --" RENAME COLUMN "x""; DROP TABLE ""Victim""; --" TO "old `name`"',
        'ALTER TABLE "{schema}"."Weird ""Table""; --" DROP COLUMN "group"',
      ],
      mysql: [
        'ALTER TABLE `Weird "Table"; --` RENAME COLUMN `x"; DROP TABLE "Victim"; --` TO `old ``name```, ALGORITHM=INSTANT',
        'ALTER TABLE `Weird "Table"; --` DROP COLUMN `group`, ALGORITHM=INSTANT',
      ],
      sqlite: [
        'ALTER TABLE "Weird ""Table""; --" RENAME COLUMN "x""; DROP TABLE ""Victim""; --" TO "old `name`"',
        `CREATE TABLE "_shipshape_new_Weird ""Table""; --" /*shipshape*/ (
  "id" INTEGER NOT NULL,
  "old \`name\`" VARCHAR(20),
  PRIMARY KEY ("id")
)`,
        'INSERT INTO "_shipshape_new_Weird ""Table""; --" ("id", "old `name`") SELECT "id", "old `name`" FROM "Weird ""Table""; --"',
        'DROP TABLE "Weird ""Table""; --"',
        'PRAGMA legacy_alter_table = ON',
        'ALTER TABLE "_shipshape_new_Weird ""Table""; --" RENAME TO "Weird ""Table""; --"',
        'PRAGMA legacy_alter_table = OFF',
      ],
    },
  },
  {
    name: 'indexes unicode columns of a unicode table',
    before: [{ name: 'Café', properties: { id: { type: 'number', id: true }, 'naïve': { type: 'string', length: 20 }, '名前': { type: 'string', length: 20 } } }],
    after: [
      {
        name: 'Café',
        properties: { id: { type: 'number', id: true }, 'naïve': { type: 'string', length: 20 }, '名前': { type: 'string', length: 20 } },
        settings: { indexes: { 'café_名前_idx': { keys: { '名前': 1, 'naïve': 1 } } } },
      },
    ],
    rows: { 'Café': [{ id: 1, 'naïve': 'oui', '名前': '花子' }] },
    up: {
      postgres: [
        'DROP INDEX CONCURRENTLY IF EXISTS "{schema}"."shipshape_build_{id}"',
        'CREATE INDEX CONCURRENTLY "shipshape_build_{id}" ON "{schema}"."Café" ("名前", "naïve")',
        `DO $shipshape$ BEGIN ALTER INDEX "{schema}"."shipshape_build_{id}" RENAME TO "café_名前_idx"; COMMENT ON INDEX "{schema}"."café_名前_idx" IS 'shipshape'; END $shipshape$`,
      ],
      mysql: [
        "ALTER TABLE `{schema}`.`Café` ADD INDEX `café_名前_idx` (`名前`, `naïve`) COMMENT 'shipshape', ALGORITHM=INPLACE, LOCK=NONE",
      ],
      sqlite: [
        'CREATE INDEX "café_名前_idx" /*shipshape*/ ON "Café" ("名前", "naïve")',
      ],
    },
    down: {
      postgres: [
        'DROP INDEX "{schema}"."café_名前_idx"',
      ],
      mysql: [
        'ALTER TABLE `Café` DROP INDEX `café_名前_idx`, ALGORITHM=INPLACE, LOCK=NONE',
      ],
      sqlite: [
        'DROP INDEX "café_名前_idx"',
      ],
    },
  },
]
