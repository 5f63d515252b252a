import { createHash } from 'node:crypto'

/**
 * How model and property names become table and column names when settings don't pin them.
 * - 'exact': as written (quoted), the default.
 * - 'loopback': LoopBack's convention (lower-cased where LoopBack's connector lower-cases).
 * - 'snake_case': `TodoList.createdAt` → `todo_list.created_at`.
 */
export type NamingConvention = 'exact' | 'loopback' | 'snake_case'

export function applyNaming(name: string, naming: NamingConvention, lowercasesLoopbackNames: boolean): string {
  switch (naming) {
    case 'exact':
      return name
    case 'loopback':
      return lowercasesLoopbackNames ? name.toLowerCase() : name
    case 'snake_case':
      return toSnakeCase(name)
  }
}

export function toSnakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[-\s]+/g, '_')
    .toLowerCase()
}

/**
 * A generated object name that fits the engine's identifier limit: too long a name is cut
 * and suffixed with a short hash of the whole, so it stays unique and stable run after run
 * (the engine would otherwise truncate it and the next diff would see a different name).
 */
export function fitIdentifier(name: string, maxLength: number): string {
  if (Buffer.byteLength(name) <= maxLength) return name
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8)
  let head = name
  while (Buffer.byteLength(head) > maxLength - 9) head = head.slice(0, -1)
  return `${head}_${hash}`
}
