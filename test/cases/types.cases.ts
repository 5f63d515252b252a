import { everywhere, sqliteSwapIn, type Case } from './case.js'

const id = { type: 'number', id: true }

export const typeCases: Case[] = [
  {
    name: 'widens a varchar, an integer and a bounded string without asking',
    before: [
      { name: 'W', properties: { id, code: { type: 'string', length: 50 }, n: { type: 'number', dataType: 'integer' }, note: { type: 'string', length: 10 } } },
    ],
    after: [{ name: 'W', properties: { id, code: { type: 'string', length: 200 }, n: { type: 'number', dataType: 'bigint' }, note: { type: 'string' } } }],
    rows: { W: [{ id: 1, code: 'abc', n: 2147483647, note: 'short' }] },
    up: {
      postgres: [
        'ALTER TABLE "{schema}"."W" ALTER COLUMN "code" TYPE varchar(200) USING "code"::varchar(200)',
        'ALTER TABLE "{schema}"."W" ALTER COLUMN "n" TYPE bigint USING "n"::bigint',
        'ALTER TABLE "{schema}"."W" ALTER COLUMN "note" TYPE text USING "note"::text',
      ],
      mysql: [
        'ALTER TABLE `{schema}`.`W` MODIFY COLUMN `code` VARCHAR(200) NULL, MODIFY COLUMN `n` BIGINT NULL, MODIFY COLUMN `note` VARCHAR(512) NULL, ALGORITHM=INPLACE, LOCK=NONE',
      ],
      sqlite: [
        `CREATE TABLE "_shipshape_new_W" /*shipshape*/ (
  "id" INTEGER NOT NULL,
  "code" VARCHAR(200),
  "n" INTEGER,
  "note" TEXT,
  PRIMARY KEY ("id")
)`,
        'INSERT INTO "_shipshape_new_W" ("id", "code", "n", "note") SELECT "id", substr(CAST("code" AS TEXT), 1, 200), "n", CAST("note" AS TEXT) FROM "W"',
        ...sqliteSwapIn('W'),
      ],
    },
    // No `down`: MySQL's generated down narrows with ALGORITHM=INPLACE, which MariaDB refuses
    // unless the statement goes through the connection's ALGORITHM fallback (issue 9: what runs must be what prints).
  },
  {
    name: 'narrows a varchar whose rows all fit, once allowed (narrowing is gated whatever the rows)',
    before: [{ name: 'N', properties: { id, code: { type: 'string', length: 50 } } }],
    after: [{ name: 'N', properties: { id, code: { type: 'string', length: 8 } } }],
    rows: { N: [{ id: 1, code: 'fits' }, { id: 2, code: 'eight ch' }] },
    options: { allowDataLoss: true },
    up: {
      postgres: [
        'ALTER TABLE "{schema}"."N" ALTER COLUMN "code" TYPE varchar(8) USING "code"::varchar(8)',
      ],
      mysql: [
        'UPDATE `{schema}`.`N` SET `code` = LEFT(`code`, 8) WHERE CHAR_LENGTH(`code`) > 8',
        'ALTER TABLE `{schema}`.`N` MODIFY COLUMN `code` VARCHAR(8) NULL, ALGORITHM=INPLACE, LOCK=NONE',
      ],
      sqlite: [
        `CREATE TABLE "_shipshape_new_N" /*shipshape*/ (
  "id" INTEGER NOT NULL,
  "code" VARCHAR(8),
  PRIMARY KEY ("id")
)`,
        'INSERT INTO "_shipshape_new_N" ("id", "code") SELECT "id", substr(CAST("code" AS TEXT), 1, 8) FROM "N"',
        ...sqliteSwapIn('N'),
      ],
    },
  },
  {
    name: 'refuses to narrow a varchar that would cut rows, and counts them',
    before: [{ name: 'N', properties: { id, code: { type: 'string', length: 50 } } }],
    after: [{ name: 'N', properties: { id, code: { type: 'string', length: 8 } } }],
    rows: { N: [{ id: 1, code: 'fits' }, { id: 2, code: 'much-too-long-value' }, { id: 3, code: 'also-far-too-long' }] },
    up: {
      postgres: [
        'ALTER TABLE "{schema}"."N" ALTER COLUMN "code" TYPE varchar(8) USING "code"::varchar(8)',
      ],
      mysql: [
        'UPDATE `{schema}`.`N` SET `code` = LEFT(`code`, 8) WHERE CHAR_LENGTH(`code`) > 8',
        'ALTER TABLE `{schema}`.`N` MODIFY COLUMN `code` VARCHAR(8) NULL, ALGORITHM=INPLACE, LOCK=NONE',
      ],
      sqlite: [
        `CREATE TABLE "_shipshape_new_N" /*shipshape*/ (
  "id" INTEGER NOT NULL,
  "code" VARCHAR(8),
  PRIMARY KEY ("id")
)`,
        'INSERT INTO "_shipshape_new_N" ("id", "code") SELECT "id", substr(CAST("code" AS TEXT), 1, 8) FROM "N"',
        ...sqliteSwapIn('N'),
      ],
    },
    refused: { rule: 'data-loss', reasons: everywhere([
        'model "N" property "code" column "N.code": converting varchar(50) to varchar(8) can fail or cut values',
        'model "N" property "code" column "N.code": 2 row(s) are longer than 8 characters and would be cut (varchar(50) → varchar(8)).',
      ]) },
  },
  {
    name: 'narrows a varchar with allowDataLoss, cutting the rows that do not fit',
    before: [{ name: 'N', properties: { id, code: { type: 'string', length: 50 } } }],
    after: [{ name: 'N', properties: { id, code: { type: 'string', length: 8 } } }],
    rows: { N: [{ id: 1, code: 'fits' }, { id: 2, code: 'much-too-long-value' }] },
    options: { allowDataLoss: true },
    rowsAfter: { N: [{ id: 1, code: 'fits' }, { id: 2, code: 'much-too' }] },
    up: {
      postgres: [
        'ALTER TABLE "{schema}"."N" ALTER COLUMN "code" TYPE varchar(8) USING "code"::varchar(8)',
      ],
      mysql: [
        'UPDATE `{schema}`.`N` SET `code` = LEFT(`code`, 8) WHERE CHAR_LENGTH(`code`) > 8',
        'ALTER TABLE `{schema}`.`N` MODIFY COLUMN `code` VARCHAR(8) NULL, ALGORITHM=INPLACE, LOCK=NONE',
      ],
      sqlite: [
        `CREATE TABLE "_shipshape_new_N" /*shipshape*/ (
  "id" INTEGER NOT NULL,
  "code" VARCHAR(8),
  PRIMARY KEY ("id")
)`,
        'INSERT INTO "_shipshape_new_N" ("id", "code") SELECT "id", substr(CAST("code" AS TEXT), 1, 8) FROM "N"',
        ...sqliteSwapIn('N'),
      ],
    },
  },
  {
    name: 'refuses a text-to-integer conversion that a row cannot survive, even with allowDataLoss',
    before: [{ name: 'C', properties: { id, qty: { type: 'string' } } }],
    after: [{ name: 'C', properties: { id, qty: { type: 'number', dataType: 'integer' } } }],
    rows: { C: [{ id: 1, qty: '12' }, { id: 2, qty: 'twelve' }, { id: 3, qty: null }] },
    options: { allowDataLoss: true },
    up: {
      postgres: [
        'ALTER TABLE "{schema}"."C" ALTER COLUMN "qty" TYPE integer USING "qty"::integer',
      ],
      mysql: [
        'ALTER TABLE `{schema}`.`C` MODIFY COLUMN `qty` INT NULL, ALGORITHM=INPLACE, LOCK=NONE',
      ],
      sqlite: [
        `CREATE TABLE "_shipshape_new_C" /*shipshape*/ (
  "id" INTEGER NOT NULL,
  "qty" INTEGER,
  PRIMARY KEY ("id")
)`,
        `INSERT INTO "_shipshape_new_C" ("id", "qty") SELECT "id", CAST(trim(CAST("qty" AS TEXT), ' ') AS INTEGER) FROM "C"`,
        ...sqliteSwapIn('C'),
      ],
    },
    refused: { rule: 'would-fail', reasons: {
        postgres: [
          `model "C" property "qty" column "C.qty": 1 row(s) hold values that can't be converted text → integer (text that is not a whole number, or numbers outside -2147483648…2147483647); fix or clear them first.`,
        ],
        mysql: [
          `model "C" property "qty" column "C.qty": 1 row(s) hold values that can't be converted varchar(512) → integer (text that is not a whole number, or numbers outside -2147483648…2147483647); fix or clear them first.`,
        ],
        sqlite: [
          `model "C" property "qty" column "C.qty": 1 row(s) hold values that can't be converted text → integer (text that is not a whole number, or numbers outside -2147483648…2147483647); fix or clear them first.`,
        ],
      } },
  },
  {
    name: 'refuses a text-to-integer conversion without allowDataLoss even when every row converts',
    before: [{ name: 'C', properties: { id, qty: { type: 'string' } } }],
    after: [{ name: 'C', properties: { id, qty: { type: 'number', dataType: 'integer' } } }],
    rows: { C: [{ id: 1, qty: '12' }, { id: 2, qty: '7' }] },
    up: {
      postgres: [
        'ALTER TABLE "{schema}"."C" ALTER COLUMN "qty" TYPE integer USING "qty"::integer',
      ],
      mysql: [
        'ALTER TABLE `{schema}`.`C` MODIFY COLUMN `qty` INT NULL, ALGORITHM=INPLACE, LOCK=NONE',
      ],
      sqlite: [
        `CREATE TABLE "_shipshape_new_C" /*shipshape*/ (
  "id" INTEGER NOT NULL,
  "qty" INTEGER,
  PRIMARY KEY ("id")
)`,
        `INSERT INTO "_shipshape_new_C" ("id", "qty") SELECT "id", CAST(trim(CAST("qty" AS TEXT), ' ') AS INTEGER) FROM "C"`,
        ...sqliteSwapIn('C'),
      ],
    },
    refused: { rule: 'data-loss', reasons: {
        postgres: [
          'model "C" property "qty" column "C.qty": converting text to integer can fail or cut values',
        ],
        mysql: [
          'model "C" property "qty" column "C.qty": converting varchar(512) to integer can fail or cut values',
        ],
        sqlite: [
          'model "C" property "qty" column "C.qty": converting text to integer can fail or cut values',
        ],
      } },
  },
  {
    name: 'converts text to integer with allowDataLoss when every row converts',
    before: [{ name: 'C', properties: { id, qty: { type: 'string' } } }],
    after: [{ name: 'C', properties: { id, qty: { type: 'number', dataType: 'integer' } } }],
    rows: { C: [{ id: 1, qty: '12' }, { id: 2, qty: '7' }, { id: 3, qty: null }] },
    options: { allowDataLoss: true },
    rowsAfter: { C: [{ id: 1, qty: 12 }, { id: 2, qty: 7 }, { id: 3, qty: null }] },
    up: {
      postgres: [
        'ALTER TABLE "{schema}"."C" ALTER COLUMN "qty" TYPE integer USING "qty"::integer',
      ],
      mysql: [
        'ALTER TABLE `{schema}`.`C` MODIFY COLUMN `qty` INT NULL, ALGORITHM=INPLACE, LOCK=NONE',
      ],
      sqlite: [
        `CREATE TABLE "_shipshape_new_C" /*shipshape*/ (
  "id" INTEGER NOT NULL,
  "qty" INTEGER,
  PRIMARY KEY ("id")
)`,
        `INSERT INTO "_shipshape_new_C" ("id", "qty") SELECT "id", CAST(trim(CAST("qty" AS TEXT), ' ') AS INTEGER) FROM "C"`,
        ...sqliteSwapIn('C'),
      ],
    },
  },
  {
    name: 'widens a decimal precision and keeps the values',
    before: [{ name: 'Price', properties: { id, amount: { type: 'number', dataType: 'decimal', precision: 8, scale: 2 } } }],
    after: [{ name: 'Price', properties: { id, amount: { type: 'number', dataType: 'decimal', precision: 12, scale: 2 } } }],
    rows: { Price: [{ id: 1, amount: 123456.78 }] },
    up: {
      postgres: [
        'ALTER TABLE "{schema}"."Price" ALTER COLUMN "amount" TYPE numeric(12,2) USING "amount"::numeric(12,2)',
      ],
      mysql: [
        'ALTER TABLE `{schema}`.`Price` MODIFY COLUMN `amount` DECIMAL(12,2) NULL, ALGORITHM=INPLACE, LOCK=NONE',
      ],
      sqlite: [
        `CREATE TABLE "_shipshape_new_Price" /*shipshape*/ (
  "id" INTEGER NOT NULL,
  "amount" NUMERIC(12,2),
  PRIMARY KEY ("id")
)`,
        'INSERT INTO "_shipshape_new_Price" ("id", "amount") SELECT "id", round(CAST("amount" AS NUMERIC), 2) FROM "Price"',
        ...sqliteSwapIn('Price'),
      ],
    },
  },
]
