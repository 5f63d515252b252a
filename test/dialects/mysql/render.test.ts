import { describe, expect, it } from 'vitest'
import { mysqlDialect } from '../../../src/index.js'
import { ledger, ledgerV2, plannedSql } from '../../schema/ledger-ir.js'

// Server-free: a hand-written neutral schema planned and rendered for MySQL, the SQL pinned
// literally. test/cases applies the same renderer's output to a live database.
describe('MySQL rendering of a neutral schema', () => {
  it('creates the tables, their indexes and the foreign key', () => {
    expect(plannedSql({ tables: [] }, ledger('app'), mysqlDialect)).toEqual([
      `CREATE TABLE \`app\`.\`account\` (
  \`id\` CHAR(36) NOT NULL DEFAULT (UUID()),
  \`email\` VARCHAR(120) NOT NULL,
  \`balance\` DECIMAL(12,2) NOT NULL DEFAULT 0,
  \`active\` TINYINT(1) NOT NULL DEFAULT 1,
  \`opened\` DATETIME(3) NULL DEFAULT CURRENT_TIMESTAMP(3),
  \`profile\` JSON NULL,
  PRIMARY KEY (\`id\`),
  UNIQUE INDEX \`account_email_key\` (\`email\`) COMMENT 'shipshape'
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
      `CREATE TABLE \`app\`.\`entry\` (
  \`id\` BIGINT NOT NULL AUTO_INCREMENT,
  \`accountId\` CHAR(36) NOT NULL,
  \`note\` TEXT NULL,
  \`on\` DATE NOT NULL,
  PRIMARY KEY (\`id\`),
  INDEX \`entry_account_id_idx\` (\`accountId\`, \`id\` DESC) COMMENT 'shipshape'
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
      "ALTER TABLE `app`.`entry` ADD INDEX `entry_account_fk` (`accountId`) COMMENT 'shipshape', ADD CONSTRAINT `entry_account_fk` FOREIGN KEY (`accountId`) REFERENCES `app`.`account` (`id`) ON DELETE CASCADE ON UPDATE NO ACTION",
    ])
  })

  it('alters a column (type, nullability, default at once), adds one, and swaps indexes', () => {
    expect(plannedSql(ledger('app'), ledgerV2('app'), mysqlDialect)).toEqual([
      "ALTER TABLE `app`.`entry` DROP INDEX `entry_account_id_idx`, ADD COLUMN `memo` VARCHAR(40) NULL DEFAULT 'it''s', ALGORITHM=INPLACE, LOCK=NONE",
      'UPDATE `app`.`entry` SET `note` = LEFT(`note`, 200) WHERE CHAR_LENGTH(`note`) > 200',
      "ALTER TABLE `app`.`entry` MODIFY COLUMN `note` VARCHAR(200) NOT NULL DEFAULT '', ALGORITHM=INPLACE, LOCK=NONE",
      "ALTER TABLE `app`.`account` DROP INDEX `account_email_key`, ADD INDEX `account_email_idx` (`email`) COMMENT 'shipshape', ALGORITHM=INPLACE, LOCK=NONE",
    ])
  })

  it('finds nothing to do between a schema and itself', () => {
    expect(plannedSql(ledgerV2('app'), ledgerV2('app'), mysqlDialect)).toEqual([])
  })
})
