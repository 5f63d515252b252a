/**
 * A user-supplied type name (`dataType`) goes into DDL unquoted, so it must look like
 * a type and nothing else: words, an optional (n[,m]) and array brackets.
 */
export function assertSafeTypeName(sql: string): string {
  const s = sql.trim()
  if (!/^[A-Za-z_][A-Za-z0-9_ ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?( [A-Za-z ]+)?(\[\])*$/.test(s))
    throw new Error(`"${sql}" is not a type name (letters, digits, spaces and an optional (n) or (p,s) only)`)
  return s
}
