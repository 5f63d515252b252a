import { describe, expect, it } from 'vitest'
import { sqliteDialect } from '../../../src/index.js'
import { ledger, ledgerV2, plannedSql } from '../../schema/ledger-ir.js'

// Server-free: a hand-written neutral schema planned and rendered for SQLite, the SQL pinned
// literally. test/cases applies the same renderer's output to a live database.
describe('SQLite rendering of a neutral schema', () => {
  it('creates the tables, their indexes and the foreign key', () => {
    expect(plannedSql({ tables: [] }, ledger(), sqliteDialect)).toEqual([
      `CREATE TABLE "account" /*shipshape*/ (
  "id" UUID NOT NULL DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
  "email" VARCHAR(120) NOT NULL,
  "balance" NUMERIC(12,2) NOT NULL DEFAULT 0,
  "active" BOOLEAN NOT NULL DEFAULT 1,
  "opened" DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  "profile" JSON,
  PRIMARY KEY ("id")
)`,
      `CREATE TABLE "entry" /*shipshape*/ (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "accountId" UUID NOT NULL,
  "note" TEXT,
  "on" DATE NOT NULL,
  CONSTRAINT "entry_account_fk" FOREIGN KEY ("accountId") REFERENCES "account" ("id") ON DELETE CASCADE ON UPDATE RESTRICT
)`,
      'CREATE UNIQUE INDEX "account_email_key" /*shipshape*/ ON "account" ("email")',
      'CREATE INDEX "entry_account_id_idx" /*shipshape*/ ON "entry" ("accountId", "id" DESC)',
    ])
  })

  it('alters a column (type, nullability, default at once), adds one, and swaps indexes', () => {
    expect(plannedSql(ledger(), ledgerV2(), sqliteDialect)).toEqual([
      'DROP INDEX "account_email_key"',
      `CREATE TABLE "_shipshape_new_entry" /*shipshape*/ (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "accountId" UUID NOT NULL,
  "note" VARCHAR(200) NOT NULL DEFAULT '',
  "on" DATE NOT NULL,
  "memo" VARCHAR(40) DEFAULT 'it''s',
  CONSTRAINT "entry_account_fk" FOREIGN KEY ("accountId") REFERENCES "account" ("id") ON DELETE CASCADE ON UPDATE RESTRICT
)`,
      'INSERT INTO "_shipshape_new_entry" ("id", "accountId", "note", "on") SELECT "id", "accountId", substr(CAST("note" AS TEXT), 1, 200), "on" FROM "entry"',
      'DROP TABLE "entry"',
      'PRAGMA legacy_alter_table = ON',
      'ALTER TABLE "_shipshape_new_entry" RENAME TO "entry"',
      'PRAGMA legacy_alter_table = OFF',
      'CREATE INDEX "account_email_idx" /*shipshape*/ ON "account" ("email")',
    ])
  })

  it('finds nothing to do between a schema and itself', () => {
    expect(plannedSql(ledgerV2(), ledgerV2(), sqliteDialect)).toEqual([])
  })
})
