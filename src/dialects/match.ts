/** LoopBack's pattern operators: `like`/`nlike` match case-sensitively, `ilike`/`nilike` ignore case. */
export type MatchOperator = 'like' | 'nlike' | 'ilike' | 'nilike'

/** A rendered pattern match, and how to turn the LIKE pattern into the value bound (SQLite GLOB). */
export interface MatchSql {
  sql: string
  pattern?: (likePattern: string) => string
}

/** `LIKE`, which is case-sensitive on PostgreSQL; ignoring case by lower-casing both sides works everywhere. */
export function renderDefaultMatch(op: MatchOperator, column: string, placeholder: string): MatchSql {
  switch (op) {
    case 'like':
      return { sql: `${column} LIKE ${placeholder}` }
    case 'nlike':
      return { sql: `${column} NOT LIKE ${placeholder}` }
    case 'ilike':
      return { sql: `LOWER(${column}) LIKE LOWER(${placeholder})` }
    case 'nilike':
      return { sql: `LOWER(${column}) NOT LIKE LOWER(${placeholder})` }
  }
}
