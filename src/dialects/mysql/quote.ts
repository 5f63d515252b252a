/** `name` with embedded backticks doubled: any string is a safe MySQL identifier. */
export function quoteMysqlIdentifier(name: string): string {
  if (name.includes('\0')) throw new Error(`Identifier ${JSON.stringify(name)} contains a NUL byte`)
  // MySQL forbids identifiers ending in a space (https://dev.mysql.com/doc/refman/8.0/en/identifiers.html).
  if (/ $/.test(name)) throw new Error(`Identifier ${JSON.stringify(name)} ends with a space, which MySQL does not allow`)
  return `\`${name.replace(/`/g, '``')}\``
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "''", '\n': '\\n', '\r': '\\r', '\t': '\\t', '\x1a': '\\Z' }

/**
 * A literal for DDL (defaults), where values can't be bound. Backslash is an escape character
 * unless NO_BACKSLASH_ESCAPES is set, which our connections clear on every session
 * (https://dev.mysql.com/doc/refman/8.0/en/string-literals.html).
 */
export function quoteMysqlLiteral(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? '1' : '0'
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`Cannot write ${value} as a SQL literal`)
    return String(value)
  }
  if (value.includes('\0')) throw new Error('A string literal cannot contain a NUL byte in a MySQL default')
  return `'${value.replace(/[\\'\n\r\t\x1a]/g, (c) => ESCAPES[c]!)}'`
}

export function qualifiedMysqlName(table: { schema?: string; name: string }): string {
  return table.schema ? `${quoteMysqlIdentifier(table.schema)}.${quoteMysqlIdentifier(table.name)}` : quoteMysqlIdentifier(table.name)
}
