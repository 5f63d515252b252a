import type { DialectExpectations } from '../../support/expectations.js'

export const sqliteExpectations: DialectExpectations = {
  types: {
    string: 'text',
    varchar100: 'varchar(100)',
    integerId: 'integer',
    number: 'double',
    boolean: 'boolean',
    date: 'datetime',
    object: 'json',
  },
  describedString: 'text',
  reportsForeignKeyNames: false,
}
