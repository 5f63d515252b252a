import type { DialectExpectations } from '../../support/expectations.js'

export const postgresExpectations: DialectExpectations = {
  types: {
    string: 'text',
    varchar100: 'character varying(100)',
    integerId: 'integer',
    number: 'double precision',
    boolean: 'boolean',
    date: 'timestamp with time zone',
    object: 'jsonb',
  },
  describedString: 'text',
  reportsForeignKeyNames: true,
}
