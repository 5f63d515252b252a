import { everywhere, sqliteSwapIn, type Case } from './case.js'

const id = { type: 'number', id: true }

export const columnCases: Case[] = [
  {
    name: 'adds a nullable column to a table with rows',
    before: [{ name: 'Note', properties: { id, body: { type: 'string' } } }],
    after: [{ name: 'Note', properties: { id, body: { type: 'string' }, tag: { type: 'string', length: 20 } } }],
    rows: { Note: [{ id: 1, body: 'a' }] },
    up: {
      postgres: [
        'ALTER TABLE "{schema}"."Note" ADD COLUMN "tag" varchar(20)',
      ],
      mysql: [
        'ALTER TABLE `{schema}`.`Note` ADD COLUMN `tag` VARCHAR(20) NULL, ALGORITHM=INSTANT',
      ],
      sqlite: [
        'ALTER TABLE "Note" ADD COLUMN "tag" VARCHAR(20)',
      ],
    },
  },
  {
    name: 'adds a required column with a default to a table with rows',
    before: [{ name: 'Note', properties: { id, body: { type: 'string' } } }],
    after: [{ name: 'Note', properties: { id, body: { type: 'string' }, rank: { type: 'number', required: true, default: 5 } } }],
    rows: { Note: [{ id: 1, body: 'a' }] },
    rowsAfter: { Note: [{ id: 1, body: 'a', rank: 5 }] },
    up: {
      postgres: [
        'ALTER TABLE "{schema}"."Note" ADD COLUMN "rank" double precision NOT NULL DEFAULT 5',
      ],
      mysql: [
        'ALTER TABLE `{schema}`.`Note` ADD COLUMN `rank` DOUBLE NOT NULL DEFAULT 5, ALGORITHM=INSTANT',
      ],
      sqlite: [
        'ALTER TABLE "Note" ADD COLUMN "rank" DOUBLE NOT NULL DEFAULT 5',
      ],
    },
    down: {
      postgres: [
        'ALTER TABLE "{schema}"."Note" DROP COLUMN "rank"',
      ],
      mysql: [
        'ALTER TABLE `Note` DROP COLUMN `rank`, ALGORITHM=INSTANT',
      ],
      sqlite: [
        `CREATE TABLE "_shipshape_new_Note" /*shipshape*/ (
  "id" INTEGER NOT NULL,
  "body" TEXT,
  PRIMARY KEY ("id")
)`,
        'INSERT INTO "_shipshape_new_Note" ("id", "body") SELECT "id", "body" FROM "Note"',
        ...sqliteSwapIn('Note'),
      ],
    },
  },
  {
    name: 'refuses a required column without a default on a table with rows',
    before: [{ name: 'Note', properties: { id } }],
    after: [{ name: 'Note', properties: { id, must: { type: 'string', required: true } } }],
    rows: { Note: [{ id: 1 }] },
    up: {
      postgres: [
        'ALTER TABLE "{schema}"."Note" ADD COLUMN "must" text NOT NULL',
      ],
      mysql: [
        'ALTER TABLE `{schema}`.`Note` ADD COLUMN `must` VARCHAR(512) NOT NULL, ALGORITHM=INSTANT',
      ],
      sqlite: [
        `CREATE TABLE "_shipshape_new_Note" /*shipshape*/ (
  "id" INTEGER NOT NULL,
  "must" TEXT NOT NULL,
  PRIMARY KEY ("id")
)`,
        'INSERT INTO "_shipshape_new_Note" ("id") SELECT "id" FROM "Note"',
        ...sqliteSwapIn('Note'),
      ],
    },
    refused: { rule: 'would-fail', reasons: everywhere([
        'model "Note" property "must" table "Note": a new required column without a default, and the table has rows. Declare a default, or add it optional, fill it, then make it required.',
      ]) },
  },
  {
    name: 'keeps the column of a removed property unless told to drop it',
    before: [{ name: 'Item', properties: { id, name: { type: 'string' }, legacy: { type: 'string' } } }],
    after: [{ name: 'Item', properties: { id, name: { type: 'string' } } }],
    rows: { Item: [{ id: 1, name: 'a', legacy: 'keep me' }] },
    up: everywhere([]),
  },
  {
    name: 'refuses to drop the column of a removed property without allowDataLoss',
    before: [{ name: 'Item', properties: { id, name: { type: 'string' }, legacy: { type: 'string' } } }],
    after: [{ name: 'Item', properties: { id, name: { type: 'string' } } }],
    rows: { Item: [{ id: 1, name: 'a', legacy: 'gone' }] },
    options: { removedColumns: 'drop' },
    up: {
      postgres: [
        'ALTER TABLE "{schema}"."Item" DROP COLUMN "legacy"',
      ],
      mysql: [
        'ALTER TABLE `{schema}`.`Item` DROP COLUMN `legacy`, ALGORITHM=INSTANT',
      ],
      sqlite: [
        `CREATE TABLE "_shipshape_new_Item" /*shipshape*/ (
  "id" INTEGER NOT NULL,
  "name" TEXT,
  PRIMARY KEY ("id")
)`,
        'INSERT INTO "_shipshape_new_Item" ("id", "name") SELECT "id", "name" FROM "Item"',
        ...sqliteSwapIn('Item'),
      ],
    },
    refused: { rule: 'data-loss', reasons: everywhere([
        'model "Item" column "Item.legacy": dropping the column loses its data',
      ]) },
  },
  {
    name: 'drops the column of a removed property with allowDataLoss',
    before: [{ name: 'Item', properties: { id, name: { type: 'string' }, legacy: { type: 'string' } } }],
    after: [{ name: 'Item', properties: { id, name: { type: 'string' } } }],
    rows: { Item: [{ id: 1, name: 'a', legacy: 'gone' }] },
    options: { removedColumns: 'drop', allowDataLoss: true },
    rowsAfter: { Item: [{ id: 1, name: 'a' }] },
    up: {
      postgres: [
        'ALTER TABLE "{schema}"."Item" DROP COLUMN "legacy"',
      ],
      mysql: [
        'ALTER TABLE `{schema}`.`Item` DROP COLUMN `legacy`, ALGORITHM=INSTANT',
      ],
      sqlite: [
        `CREATE TABLE "_shipshape_new_Item" /*shipshape*/ (
  "id" INTEGER NOT NULL,
  "name" TEXT,
  PRIMARY KEY ("id")
)`,
        'INSERT INTO "_shipshape_new_Item" ("id", "name") SELECT "id", "name" FROM "Item"',
        ...sqliteSwapIn('Item'),
      ],
    },
  },
  {
    name: 'renames a column in place when declared with renamedFrom',
    before: [{ name: 'Customer', properties: { id, fullname: { type: 'string', length: 100 } } }],
    after: [{ name: 'Customer', properties: { id, name: { type: 'string', length: 100, renamedFrom: 'fullname' } } }],
    rows: { Customer: [{ id: 1, fullname: 'Ada' }] },
    rowsAfter: { Customer: [{ id: 1, name: 'Ada' }] },
    up: {
      postgres: [
        'ALTER TABLE "{schema}"."Customer" RENAME COLUMN "fullname" TO "name"',
      ],
      mysql: [
        'ALTER TABLE `{schema}`.`Customer` RENAME COLUMN `fullname` TO `name`, ALGORITHM=INSTANT',
      ],
      sqlite: [
        'ALTER TABLE "Customer" RENAME COLUMN "fullname" TO "name"',
      ],
    },
    down: {
      postgres: [
        'ALTER TABLE "{schema}"."Customer" RENAME COLUMN "name" TO "fullname"',
      ],
      mysql: [
        'ALTER TABLE `Customer` RENAME COLUMN `name` TO `fullname`, ALGORITHM=INSTANT',
      ],
      sqlite: [
        'ALTER TABLE "Customer" RENAME COLUMN "name" TO "fullname"',
      ],
    },
  },
  {
    name: 'renames a table and its column in place when both are declared',
    before: [{ name: 'Customer', properties: { id, fullname: { type: 'string' } } }],
    after: [{ name: 'Client', properties: { id, name: { type: 'string', renamedFrom: 'fullname' } }, settings: { renamedFrom: 'Customer' } }],
    rows: { Customer: [{ id: 1, fullname: 'Ada' }] },
    rowsAfter: { Client: [{ id: 1, name: 'Ada' }] },
    up: {
      postgres: [
        'ALTER TABLE "{schema}"."Customer" RENAME TO "Client"',
        'ALTER TABLE "{schema}"."Client" RENAME COLUMN "fullname" TO "name"',
      ],
      mysql: [
        'RENAME TABLE `{schema}`.`Customer` TO `{schema}`.`Client`',
        'ALTER TABLE `{schema}`.`Client` RENAME COLUMN `fullname` TO `name`, ALGORITHM=INSTANT',
      ],
      sqlite: [
        'ALTER TABLE "Customer" RENAME TO "Client"',
        'ALTER TABLE "Client" RENAME COLUMN "fullname" TO "name"',
      ],
    },
    // The table goes back first, so the column is renamed under the table's old name (generating
    // this down once failed with "no table Client").
    down: {
      postgres: [
        'ALTER TABLE "{schema}"."Client" RENAME TO "Customer"',
        'ALTER TABLE "{schema}"."Customer" RENAME COLUMN "name" TO "fullname"',
      ],
      mysql: [
        'RENAME TABLE `Client` TO `Customer`',
        'ALTER TABLE `Customer` RENAME COLUMN `name` TO `fullname`, ALGORITHM=INSTANT',
      ],
      sqlite: [
        'ALTER TABLE "Client" RENAME TO "Customer"',
        'ALTER TABLE "Customer" RENAME COLUMN "name" TO "fullname"',
      ],
    },
  },
  {
    name: 'refuses an undeclared rename and suggests renamedFrom',
    before: [{ name: 'P', properties: { id, fullname: { type: 'string' } } }],
    after: [{ name: 'P', properties: { id, name: { type: 'string' } } }],
    rows: { P: [{ id: 1, fullname: 'Ada' }] },
    options: { removedColumns: 'drop' },
    up: {
      postgres: [
        'ALTER TABLE "{schema}"."P" ADD COLUMN "name" text',
        'ALTER TABLE "{schema}"."P" DROP COLUMN "fullname"',
      ],
      mysql: [
        'ALTER TABLE `{schema}`.`P` ADD COLUMN `name` VARCHAR(512) NULL, DROP COLUMN `fullname`, ALGORITHM=INSTANT',
      ],
      sqlite: [
        `CREATE TABLE "_shipshape_new_P" /*shipshape*/ (
  "id" INTEGER NOT NULL,
  "name" TEXT,
  PRIMARY KEY ("id")
)`,
        'INSERT INTO "_shipshape_new_P" ("id") SELECT "id" FROM "P"',
        ...sqliteSwapIn('P'),
      ],
    },
    refused: { rule: 'data-loss', reasons: everywhere([
        `model "P" column "P.fullname": dropping the column loses its data; if property "name" is this column renamed, declare {renamedFrom: 'fullname'} on it to keep the data`,
      ]) },
  },
]
