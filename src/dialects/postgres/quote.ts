/** "name" with embedded quotes doubled: any string is a safe PostgreSQL identifier. */
export function quotePostgresIdentifier(name: string): string {
  if (name.includes('\0')) throw new Error(`Identifier ${JSON.stringify(name)} contains a NUL byte`)
  return `"${name.replace(/"/g, '""')}"`
}

/** A literal for DDL (defaults), where values can't be bound. standard_conforming_strings is on since 9.1. */
export function quotePostgresLiteral(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`Cannot write ${value} as a SQL literal`)
    return String(value)
  }
  if (value.includes('\0')) throw new Error('A string literal cannot contain a NUL byte on PostgreSQL')
  return `'${value.replace(/'/g, "''")}'`
}

export function qualifiedName(table: { schema?: string; name: string }): string {
  return table.schema
    ? `${quotePostgresIdentifier(table.schema)}.${quotePostgresIdentifier(table.name)}`
    : quotePostgresIdentifier(table.name)
}
