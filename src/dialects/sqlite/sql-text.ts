// Reading and editing SQLite's own CREATE TABLE texts (sqlite_schema.sql), so that a rebuild
// changes only what it means to and keeps the rest verbatim: collations, CHECKs, table
// constraints, AUTOINCREMENT, comments. Grammar: https://www.sqlite.org/lang_createtable.html

import { standardSqlGrammar, type SqlGrammar } from '../sql-text.js'

/**
 * SQLite's lexical grammar for splitting scripts: `[name]` and backtick names beside the standard
 * quotes, and trigger bodies. VACUUM fails inside a transaction (https://www.sqlite.org/lang_vacuum.html).
 */
export const sqliteGrammar: SqlGrammar = {
  ...standardSqlGrammar,
  quotes: `'"\``,
  hasBracketIdentifiers: true,
  hasTriggerBodies: true,
  nonTransactional: [/^VACUUM\b/i],
}

export interface Token {
  kind: 'space' | 'comment' | 'string' | 'ident' | 'word' | 'number' | 'punct'
  text: string
}

/** SQLite's tokens (https://www.sqlite.org/draft/tokenreq.html), whitespace and comments kept. */
export function tokenizeSqlite(sql: string): Token[] {
  const out: Token[] = []
  let i = 0
  const until = (close: string, from: number, doubled: boolean): number => {
    let j = from
    for (;;) {
      const k = sql.indexOf(close, j)
      if (k < 0) return sql.length
      if (doubled && sql[k + 1] === close) {
        j = k + 2
        continue
      }
      return k + 1
    }
  }
  while (i < sql.length) {
    const ch = sql[i]!
    let end: number
    let kind: Token['kind']
    if (/\s/.test(ch)) {
      end = i + 1
      while (end < sql.length && /\s/.test(sql[end]!)) end++
      kind = 'space'
    } else if (ch === '-' && sql[i + 1] === '-') {
      // The line break belongs to the comment: whatever is written after it must stay out of it.
      end = sql.indexOf('\n', i)
      end = end < 0 ? sql.length : end + 1
      kind = 'comment'
    } else if (ch === '/' && sql[i + 1] === '*') {
      end = sql.indexOf('*/', i + 2)
      end = end < 0 ? sql.length : end + 2
      kind = 'comment'
    } else if (ch === "'") {
      end = until("'", i + 1, true)
      kind = 'string'
    } else if ((ch === 'x' || ch === 'X') && sql[i + 1] === "'") {
      end = until("'", i + 2, true)
      kind = 'string'
    } else if (ch === '"' || ch === '`') {
      end = until(ch, i + 1, true)
      kind = 'ident'
    } else if (ch === '[') {
      end = until(']', i + 1, false)
      kind = 'ident'
    } else if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const m = /^(?:0x[0-9a-f]+|[0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)/i.exec(sql.slice(i, i + 400))
      end = i + Math.max(1, m?.[0].length ?? 1)
      kind = 'number'
    } else if (/[A-Za-z_\u0080-\uffff]/.test(ch)) {
      end = i + 1
      while (end < sql.length && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[end]!)) end++
      kind = 'word'
    } else {
      end = i + 1
      kind = 'punct'
    }
    out.push({ kind, text: sql.slice(i, end) })
    i = end
  }
  return out
}

const isSignificant = (t: Token) => t.kind !== 'space' && t.kind !== 'comment'

/** The name a token stands for: an identifier unquoted, a bare word as written. */
export function tokenName(t: Token): string {
  if (t.kind === 'ident') {
    const q = t.text[0]!
    if (q === '[') return t.text.slice(1, -1)
    return t.text.slice(1, -1).split(q + q).join(q)
  }
  if (t.kind === 'string') return t.text.slice(1, -1).replace(/''/g, "'")
  return t.text
}

/** Whether a token names `name` (SQLite compares identifiers case-insensitively for ASCII). */
export function namesIdentifier(t: Token, name: string): boolean {
  return (t.kind === 'ident' || t.kind === 'word') && tokenName(t).toLowerCase() === name.toLowerCase()
}

export function isKeyword(t: Token | undefined, ...words: string[]): boolean {
  return !!t && t.kind === 'word' && words.includes(t.text.toUpperCase())
}

export function joinTokens(tokens: Token[]): string {
  return tokens.map((t) => t.text).join('')
}

/** The significant tokens, for matching; the list keeps positions of the original array. */
export function significant(tokens: Token[]): Token[] {
  return tokens.filter(isSignificant)
}

/** Splits at commas outside parentheses. */
export function splitTopLevel(tokens: Token[]): Token[][] {
  const parts: Token[][] = [[]]
  let depth = 0
  for (const t of tokens) {
    if (t.kind === 'punct' && t.text === '(') depth++
    if (t.kind === 'punct' && t.text === ')') depth--
    if (depth === 0 && t.kind === 'punct' && t.text === ',') parts.push([])
    else parts[parts.length - 1]!.push(t)
  }
  return parts
}

/** A CREATE TABLE text cut into its header, its items (columns and table constraints) and what follows. */
export interface TableText {
  /** `CREATE TABLE "name" /*comment*\/ `, up to the opening parenthesis. */
  head: Token[]
  columns: ColumnText[]
  constraints: Token[][]
  /** `WITHOUT ROWID`, `STRICT` and the like, after the closing parenthesis. */
  tail: Token[]
}

export interface ColumnText {
  name: string
  /** The declared type as written (may be empty). */
  type: Token[]
  /** Each column constraint with its optional `CONSTRAINT name` prefix, as written. */
  constraints: Token[][]
}

const TABLE_CONSTRAINT = ['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'FOREIGN']
const COLUMN_CONSTRAINT = ['CONSTRAINT', 'PRIMARY', 'NOT', 'NULL', 'UNIQUE', 'CHECK', 'DEFAULT', 'COLLATE', 'REFERENCES', 'GENERATED', 'AS']

export function parseTableText(sql: string): TableText | undefined {
  const tokens = tokenizeSqlite(sql)
  const open = tokens.findIndex((t) => t.kind === 'punct' && t.text === '(')
  if (open < 0) return undefined
  let depth = 0
  let close = -1
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i]!
    if (t.kind === 'punct' && t.text === '(') depth++
    if (t.kind === 'punct' && t.text === ')' && --depth === 0) {
      close = i
      break
    }
  }
  if (close < 0) return undefined
  const head = tokens.slice(0, open)
  if (!isKeyword(significant(head)[0], 'CREATE')) return undefined
  const out: TableText = { head, columns: [], constraints: [], tail: tokens.slice(close + 1) }
  for (const item of splitTopLevel(tokens.slice(open + 1, close))) {
    const sig = significant(item)
    if (!sig.length) continue
    if (isKeyword(sig[0], ...TABLE_CONSTRAINT)) out.constraints.push(trim(item))
    else out.columns.push(parseColumnText(trim(item)))
  }
  return out
}

function trim(tokens: Token[]): Token[] {
  let a = 0
  let b = tokens.length
  while (a < b && tokens[a]!.kind === 'space') a++
  while (b > a && tokens[b - 1]!.kind === 'space') b--
  return tokens.slice(a, b)
}

function parseColumnText(item: Token[]): ColumnText {
  const nameAt = item.findIndex(isSignificant)
  const name = tokenName(item[nameAt]!)
  const rest = item.slice(nameAt + 1)
  // Where each column constraint starts: a constraint keyword at depth 0 that isn't part of
  // the previous one (ON DELETE SET NULL, DEFAULT NULL, NOT DEFERRABLE, GENERATED ALWAYS AS).
  const starts: number[] = []
  let depth = 0
  let prev: Token | undefined
  let afterConstraintName = false
  for (let i = 0; i < rest.length; i++) {
    const t = rest[i]!
    if (t.kind === 'punct' && t.text === '(') depth++
    if (t.kind === 'punct' && t.text === ')') depth--
    if (!isSignificant(t)) continue
    if (depth === 0 && isKeyword(t, ...COLUMN_CONSTRAINT) && !afterConstraintName) {
      const next = rest.slice(i + 1).find(isSignificant)
      const continues =
        (isKeyword(t, 'NULL') && isKeyword(prev, 'NOT', 'SET', 'DEFAULT')) ||
        (isKeyword(t, 'DEFAULT') && isKeyword(prev, 'SET')) ||
        (isKeyword(t, 'NOT') && isKeyword(next, 'DEFERRABLE')) ||
        (isKeyword(t, 'AS') && isKeyword(prev, 'ALWAYS'))
      if (!continues) starts.push(i)
    }
    // `CONSTRAINT name` belongs to the constraint that follows it.
    afterConstraintName = isKeyword(t, 'CONSTRAINT')
    prev = t
  }
  const type = trim(rest.slice(0, starts[0] ?? rest.length))
  const constraints = starts.map((s, k) => trim(rest.slice(s, starts[k + 1] ?? rest.length)))
  // Merge a bare `CONSTRAINT name` into the constraint after it.
  const merged: Token[][] = []
  for (const c of constraints) {
    const last = merged[merged.length - 1]
    if (last && isKeyword(significant(last)[0], 'CONSTRAINT') && significant(last).length === 2) last.push({ kind: 'space', text: ' ' }, ...c)
    else merged.push(c)
  }
  return { name, type, constraints: merged }
}

/** The constraint's kind word: PRIMARY, NOT, NULL, UNIQUE, CHECK, DEFAULT, COLLATE, REFERENCES, GENERATED, AS, FOREIGN. */
export function constraintKind(tokens: Token[]): string {
  const sig = significant(tokens)
  const at = isKeyword(sig[0], 'CONSTRAINT') ? 2 : 0
  return (sig[at]?.text ?? '').toUpperCase()
}

/** The `CONSTRAINT name` of a constraint, if it has one. */
export function constraintName(tokens: Token[]): string | undefined {
  const sig = significant(tokens)
  return isKeyword(sig[0], 'CONSTRAINT') && sig[1] ? tokenName(sig[1]) : undefined
}

/** The names in the first parenthesised list of a table constraint: `UNIQUE (a, b)` → a, b. */
export function constraintColumns(tokens: Token[]): string[] {
  const open = tokens.findIndex((t) => t.kind === 'punct' && t.text === '(')
  if (open < 0) return []
  const out: string[] = []
  let depth = 0
  let expectName = true
  for (const t of tokens.slice(open)) {
    if (t.kind === 'punct' && t.text === '(') depth++
    else if (t.kind === 'punct' && t.text === ')') {
      if (--depth === 0) break
    } else if (depth === 1 && t.kind === 'punct' && t.text === ',') expectName = true
    else if (depth === 1 && expectName && (t.kind === 'ident' || t.kind === 'word')) {
      out.push(tokenName(t))
      expectName = false
    }
  }
  return out
}

export function renderColumnText(c: ColumnText, quote: (name: string) => string): string {
  return [quote(c.name), joinTokens(c.type), ...c.constraints.map(joinTokens)].filter((s) => s !== '').join(' ')
}

/**
 * Renames identifier tokens naming `from` to `to`, except inside the column list after
 * `REFERENCES table`, which names the other table's columns.
 */
export function renameIdentifier(tokens: Token[], from: string, to: string, quote: (name: string) => string): Token[] {
  const out: Token[] = []
  let skipDepth = -1
  let depth = 0
  let sinceReferences = -1
  for (const t of tokens) {
    if (t.kind === 'punct' && t.text === '(') {
      depth++
      if (sinceReferences === 1) skipDepth = depth
    }
    if (t.kind === 'punct' && t.text === ')') {
      if (depth === skipDepth) skipDepth = -1
      depth--
    }
    if (isSignificant(t)) {
      if (isKeyword(t, 'REFERENCES')) sinceReferences = 0
      else if (sinceReferences >= 0) sinceReferences = sinceReferences === 0 ? 1 : -1
    }
    const inReferences = skipDepth !== -1 && depth >= skipDepth
    out.push(!inReferences && namesIdentifier(t, from) && !isKeywordOnly(t) ? { kind: 'ident', text: quote(to) } : t)
  }
  return out
}

// A bare word naming the column could also be a keyword (`key`, `action`); SQLite's own
// parser decides by position. Words that are only ever keywords are never renamed.
function isKeywordOnly(t: Token): boolean {
  return t.kind === 'word' && ['NOT', 'NULL', 'AND', 'OR', 'IS', 'IN', 'CHECK', 'DEFAULT', 'PRIMARY', 'UNIQUE'].includes(t.text.toUpperCase())
}
