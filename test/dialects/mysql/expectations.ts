import type { DialectExpectations } from '../../support/expectations.js'

/** LoopBack's MySQL mapping, as the catalog reader reports it (MySQL 8 spelling, MariaDB JSON as json). */
export const mysqlExpectations: DialectExpectations = {
  types: {
    string: 'varchar(512)',
    varchar100: 'varchar(100)',
    integerId: 'int',
    number: 'double',
    boolean: 'tinyint(1)',
    date: 'datetime(3)',
    object: 'json',
  },
  describedString: 'varchar(512)',
  reportsForeignKeyNames: true,
}
