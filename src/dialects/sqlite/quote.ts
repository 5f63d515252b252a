/** "name" with embedded quotes doubled. */
export function quoteSqliteIdentifier(name: string): string {
  if (name.includes('\0')) throw new Error(`Identifier ${JSON.stringify(name)} contains a NUL byte`)
  return `"${name.replace(/"/g, '""')}"`
}

export function quoteSqliteLiteral(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? '1' : '0'
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`Cannot write ${value} as a SQL literal`)
    return String(value)
  }
  if (value.includes('\0')) throw new Error('A string literal cannot contain a NUL byte')
  return `'${value.replace(/'/g, "''")}'`
}
