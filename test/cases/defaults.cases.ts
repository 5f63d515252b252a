import { sqliteSwapIn, type Case } from './case.js'

const id = { type: 'number', id: true }

export const defaultCases: Case[] = [
  {
    name: 'makes a column NOT NULL when no row holds NULL',
    before: [{ name: 'R', properties: { id, email: { type: 'string', length: 100 } } }],
    after: [{ name: 'R', properties: { id, email: { type: 'string', length: 100, required: true } } }],
    rows: { R: [{ id: 1, email: 'a@x' }] },
    up: {
      postgres: [
        'ALTER TABLE "{schema}"."R" ALTER COLUMN "email" SET NOT NULL',
      ],
      mysql: [
        'ALTER TABLE `{schema}`.`R` MODIFY COLUMN `email` VARCHAR(100) NOT NULL, ALGORITHM=INPLACE, LOCK=NONE',
      ],
      sqlite: [
        `CREATE TABLE "_shipshape_new_R" /*shipshape*/ (
  "id" INTEGER NOT NULL,
  "email" VARCHAR(100) NOT NULL,
  PRIMARY KEY ("id")
)`,
        'INSERT INTO "_shipshape_new_R" ("id", "email") SELECT "id", "email" FROM "R"',
        ...sqliteSwapIn('R'),
      ],
    },
    down: {
      postgres: [
        'ALTER TABLE "{schema}"."R" ALTER COLUMN "email" DROP NOT NULL',
      ],
      mysql: [
        'ALTER TABLE `R` MODIFY COLUMN `email` VARCHAR(100) NULL, ALGORITHM=INPLACE, LOCK=NONE',
      ],
      sqlite: [
        `CREATE TABLE "_shipshape_new_R" /*shipshape*/ (
  "id" INTEGER NOT NULL,
  "email" VARCHAR(100),
  PRIMARY KEY ("id")
)`,
        'INSERT INTO "_shipshape_new_R" ("id", "email") SELECT "id", "email" FROM "R"',
        ...sqliteSwapIn('R'),
      ],
    },
  },
  {
    name: 'refuses NOT NULL while rows hold NULL, and never backfills the default',
    before: [{ name: 'R', properties: { id, email: { type: 'string' } } }],
    after: [{ name: 'R', properties: { id, email: { type: 'string', required: true, default: 'none' } } }],
    rows: { R: [{ id: 1, email: 'a@x' }, { id: 2, email: null }] },
    options: { allowDataLoss: true },
    up: {
      postgres: [
        `ALTER TABLE "{schema}"."R" ALTER COLUMN "email" SET NOT NULL, ALTER COLUMN "email" SET DEFAULT 'none'`,
      ],
      mysql: [
        "ALTER TABLE `{schema}`.`R` MODIFY COLUMN `email` VARCHAR(512) NOT NULL DEFAULT 'none', ALGORITHM=INPLACE, LOCK=NONE",
      ],
      sqlite: [
        `CREATE TABLE "_shipshape_new_R" /*shipshape*/ (
  "id" INTEGER NOT NULL,
  "email" TEXT NOT NULL DEFAULT 'none',
  PRIMARY KEY ("id")
)`,
        'INSERT INTO "_shipshape_new_R" ("id", "email") SELECT "id", "email" FROM "R"',
        ...sqliteSwapIn('R'),
      ],
    },
    refused: { rule: 'would-fail', reasons: {
        postgres: [
          'model "R" property "email" column "R.email": becomes NOT NULL but 1 row(s) hold NULL. Fill them first (UPDATE "{schema}"."R" SET "email" = … WHERE "email" IS NULL), or keep the property optional. A declared default is not written into existing rows.',
        ],
        mysql: [
          'model "R" property "email" column "R.email": becomes NOT NULL but 1 row(s) hold NULL. Fill them first (UPDATE `{schema}`.`R` SET `email` = … WHERE `email` IS NULL), or keep the property optional. A declared default is not written into existing rows.',
        ],
        sqlite: [
          'model "R" property "email" column "R.email": becomes NOT NULL but 1 row(s) hold NULL. Fill them first (UPDATE "R" SET "email" = … WHERE "email" IS NULL), or keep the property optional. A declared default is not written into existing rows.',
        ],
      } },
  },
  {
    name: 'makes a required column nullable',
    before: [{ name: 'R', properties: { id, email: { type: 'string', length: 100, required: true } } }],
    after: [{ name: 'R', properties: { id, email: { type: 'string', length: 100 } } }],
    rows: { R: [{ id: 1, email: 'a@x' }] },
    up: {
      postgres: [
        'ALTER TABLE "{schema}"."R" ALTER COLUMN "email" DROP NOT NULL',
      ],
      mysql: [
        'ALTER TABLE `{schema}`.`R` MODIFY COLUMN `email` VARCHAR(100) NULL, ALGORITHM=INPLACE, LOCK=NONE',
      ],
      sqlite: [
        `CREATE TABLE "_shipshape_new_R" /*shipshape*/ (
  "id" INTEGER NOT NULL,
  "email" VARCHAR(100),
  PRIMARY KEY ("id")
)`,
        'INSERT INTO "_shipshape_new_R" ("id", "email") SELECT "id", "email" FROM "R"',
        ...sqliteSwapIn('R'),
      ],
    },
    down: {
      postgres: [
        'ALTER TABLE "{schema}"."R" ALTER COLUMN "email" SET NOT NULL',
      ],
      mysql: [
        'ALTER TABLE `R` MODIFY COLUMN `email` VARCHAR(100) NOT NULL, ALGORITHM=INPLACE, LOCK=NONE',
      ],
      sqlite: [
        `CREATE TABLE "_shipshape_new_R" /*shipshape*/ (
  "id" INTEGER NOT NULL,
  "email" VARCHAR(100) NOT NULL,
  PRIMARY KEY ("id")
)`,
        'INSERT INTO "_shipshape_new_R" ("id", "email") SELECT "id", "email" FROM "R"',
        ...sqliteSwapIn('R'),
      ],
    },
  },
  {
    name: 'changes a default for new rows only',
    before: [{ name: 'D', properties: { id, status: { type: 'string', length: 20, default: 'new' } } }],
    after: [{ name: 'D', properties: { id, status: { type: 'string', length: 20, default: 'draft' } } }],
    rows: { D: [{ id: 1, status: 'new' }, { id: 2, status: null }] },
    up: {
      postgres: [
        `ALTER TABLE "{schema}"."D" ALTER COLUMN "status" SET DEFAULT 'draft'`,
      ],
      mysql: [
        "ALTER TABLE `{schema}`.`D` ALTER COLUMN `status` SET DEFAULT 'draft', ALGORITHM=INSTANT",
      ],
      sqlite: [
        `CREATE TABLE "_shipshape_new_D" /*shipshape*/ (
  "id" INTEGER NOT NULL,
  "status" VARCHAR(20) DEFAULT 'draft',
  PRIMARY KEY ("id")
)`,
        'INSERT INTO "_shipshape_new_D" ("id", "status") SELECT "id", "status" FROM "D"',
        ...sqliteSwapIn('D'),
      ],
    },
    down: {
      postgres: [
        `ALTER TABLE "{schema}"."D" ALTER COLUMN "status" SET DEFAULT 'new'`,
      ],
      mysql: [
        "ALTER TABLE `D` ALTER COLUMN `status` SET DEFAULT 'new', ALGORITHM=INSTANT",
      ],
      sqlite: [
        `CREATE TABLE "_shipshape_new_D" /*shipshape*/ (
  "id" INTEGER NOT NULL,
  "status" VARCHAR(20) DEFAULT 'new',
  PRIMARY KEY ("id")
)`,
        'INSERT INTO "_shipshape_new_D" ("id", "status") SELECT "id", "status" FROM "D"',
        ...sqliteSwapIn('D'),
      ],
    },
  },
  {
    name: 'adds a default to a column that had none',
    before: [{ name: 'D', properties: { id, score: { type: 'number', dataType: 'integer' } } }],
    after: [{ name: 'D', properties: { id, score: { type: 'number', dataType: 'integer', default: 0 } } }],
    rows: { D: [{ id: 1, score: 3 }] },
    up: {
      postgres: [
        'ALTER TABLE "{schema}"."D" ALTER COLUMN "score" SET DEFAULT 0',
      ],
      mysql: [
        'ALTER TABLE `{schema}`.`D` ALTER COLUMN `score` SET DEFAULT 0, ALGORITHM=INSTANT',
      ],
      sqlite: [
        `CREATE TABLE "_shipshape_new_D" /*shipshape*/ (
  "id" INTEGER NOT NULL,
  "score" INTEGER DEFAULT 0,
  PRIMARY KEY ("id")
)`,
        'INSERT INTO "_shipshape_new_D" ("id", "score") SELECT "id", "score" FROM "D"',
        ...sqliteSwapIn('D'),
      ],
    },
  },
  {
    name: 'drops a default the model no longer declares',
    before: [{ name: 'D', properties: { id, flag: { type: 'boolean', default: true } } }],
    after: [{ name: 'D', properties: { id, flag: { type: 'boolean' } } }],
    rows: { D: [{ id: 1, flag: 1 }] },
    up: {
      postgres: [
        'ALTER TABLE "{schema}"."D" ALTER COLUMN "flag" DROP DEFAULT',
      ],
      mysql: [
        'ALTER TABLE `{schema}`.`D` ALTER COLUMN `flag` DROP DEFAULT, ALGORITHM=INSTANT',
      ],
      sqlite: [
        `CREATE TABLE "_shipshape_new_D" /*shipshape*/ (
  "id" INTEGER NOT NULL,
  "flag" BOOLEAN,
  PRIMARY KEY ("id")
)`,
        'INSERT INTO "_shipshape_new_D" ("id", "flag") SELECT "id", "flag" FROM "D"',
        ...sqliteSwapIn('D'),
      ],
    },
  },
  {
    name: 'quotes a string default holding quotes and backslashes',
    before: [{ name: 'D', properties: { id } }],
    after: [{ name: 'D', properties: { id, label: { type: 'string', length: 30, default: `it's \\ "quoted"` } } }],
    rows: { D: [{ id: 1 }] },
    rowsAfter: { D: [{ id: 1, label: `it's \\ "quoted"` }] },
    up: {
      postgres: [
        `ALTER TABLE "{schema}"."D" ADD COLUMN "label" varchar(30) DEFAULT 'it''s \\ "quoted"'`,
      ],
      mysql: [
        `ALTER TABLE \`{schema}\`.\`D\` ADD COLUMN \`label\` VARCHAR(30) NULL DEFAULT 'it''s \\\\ "quoted"', ALGORITHM=INSTANT`,
      ],
      sqlite: [
        `ALTER TABLE "D" ADD COLUMN "label" VARCHAR(30) DEFAULT 'it''s \\ "quoted"'`,
      ],
    },
  },
]
