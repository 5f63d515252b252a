// A type name (a model's `dataType`, or the catalog's spelling of a column type) goes into DDL
// unquoted, so it is parsed by a small grammar of type names rather than matched loosely:
//
//   type     := name [ '(' int [',' int] ')' ] modifier* ('[' [int] ']')*
//   name     := a known multi-word name ("double precision") | one word | "quoted" | schema.name
//   modifier := the dialect's words after a type ("with time zone", "unsigned", interval fields)
//
// A single word or quoted identifier is always one token of SQL, so user-defined types
// (enums, domains) still pass; anything else — a clause such as `REFERENCES victim ON DELETE
// CASCADE`, a second statement — is refused. Sources: https://www.postgresql.org/docs/current/datatype.html,
// https://mariadb.com/kb/en/data-types/, https://www.sqlite.org/datatype3.html.

/** The built-in engines; a dialect of its own passes a `TypeNameGrammar` instead. */
export type TypeNameDialect = 'postgres' | 'mysql' | 'sqlite'

const words = (...phrases: string[]) => phrases.map((p) => p.split(' '))

/** Names longer than one word; single words need no list. */
const MULTI_WORD_NAMES: Record<TypeNameDialect, string[][]> = {
  postgres: words(
    'double precision',
    'character varying',
    'char varying',
    'bit varying',
    'national character varying',
    'national character',
    'national char varying',
    'national char',
  ),
  mysql: words(
    'double precision',
    'character varying',
    'char varying',
    'national varchar',
    'national character varying',
    'national character',
    'national char',
    'long varchar',
    'long varbinary',
    'long char varying',
  ),
  sqlite: words(
    'double precision',
    'character varying',
    'varying character',
    'native character',
    'unsigned big int',
    'long varchar',
  ),
}

const INTERVAL_FIELDS = ['year', 'month', 'day', 'hour', 'minute', 'second']

/** What may follow a type's name or its (n). */
const MODIFIERS: Record<TypeNameDialect, string[][]> = {
  postgres: [
    ...words('with time zone', 'without time zone'),
    ...words('year to month', 'day to hour', 'day to minute', 'day to second', 'hour to minute', 'hour to second', 'minute to second'),
    ...INTERVAL_FIELDS.map((f) => [f]),
  ],
  mysql: words('unsigned', 'signed', 'zerofill', 'binary'),
  sqlite: [],
}

/** Words that start a column clause, never a type: refused even as a lone word. */
const CLAUSE_WORDS = new Set([
  'references', 'default', 'check', 'constraint', 'primary', 'unique', 'not', 'null', 'collate', 'generated',
  'as', 'on', 'key', 'foreign', 'auto_increment', 'autoincrement', 'comment', 'identity', 'using', 'select',
  'drop', 'delete', 'insert', 'update', 'create', 'alter',
])

/** What one engine accepts as a type name; a dialect outside the built-in three supplies its own. */
export interface TypeNameGrammar {
  /** The engine's name in messages ("PostgreSQL"). */
  label: string
  /** Names longer than one word; single words need no list. */
  multiWordNames: string[][]
  /** What may follow a type's name or its (n). */
  modifiers: string[][]
  /** `"…"` is an identifier and `schema.name` names a type (PostgreSQL; MySQL would read `"…"` as a string). */
  hasQualifiedNames: boolean
  /** `[]` suffixes make array types. */
  hasArrays: boolean
  /** What else a type name may hold, for the refusal message (`, "with time zone" and [] for arrays`). */
  hint: string
}

/** The built-in engines' grammars. */
export const TYPE_NAME_GRAMMARS: Record<TypeNameDialect, TypeNameGrammar> = {
  postgres: {
    label: 'PostgreSQL',
    multiWordNames: MULTI_WORD_NAMES.postgres,
    modifiers: MODIFIERS.postgres,
    hasQualifiedNames: true,
    hasArrays: true,
    hint: ', "with time zone" and [] for arrays',
  },
  mysql: { label: 'MySQL', multiWordNames: MULTI_WORD_NAMES.mysql, modifiers: MODIFIERS.mysql, hasQualifiedNames: false, hasArrays: false, hint: ' and unsigned/zerofill' },
  sqlite: { label: 'SQLite', multiWordNames: MULTI_WORD_NAMES.sqlite, modifiers: MODIFIERS.sqlite, hasQualifiedNames: false, hasArrays: false, hint: '' },
}

const grammarOf = (dialect: TypeNameDialect | TypeNameGrammar) => (typeof dialect === 'string' ? TYPE_NAME_GRAMMARS[dialect] : dialect)

type Token = { kind: 'word' | 'quoted' | 'int' | 'punct'; text: string }

function tokenize(sql: string): Token[] | string {
  const tokens: Token[] = []
  const re = /\s+|([A-Za-z_][A-Za-z0-9_$]*)|("(?:[^"]|"")+")|(\d+)|([(),.[\]])/y
  let i = 0
  while (i < sql.length) {
    re.lastIndex = i
    const m = re.exec(sql)
    if (!m) return `the character ${JSON.stringify(sql[i])} can't appear in a type name`
    i = re.lastIndex
    if (m[1]) tokens.push({ kind: 'word', text: m[1] })
    else if (m[2]) tokens.push({ kind: 'quoted', text: m[2] })
    else if (m[3]) tokens.push({ kind: 'int', text: m[3] })
    else if (m[4]) tokens.push({ kind: 'punct', text: m[4] })
  }
  return tokens
}

/** Why `sql` is not a type name of the dialect, or undefined when it is one. */
export function typeNameProblem(sql: string, dialect: TypeNameDialect | TypeNameGrammar): string | undefined {
  const grammar = grammarOf(dialect)
  const tokens = tokenize(sql.trim())
  if (typeof tokens === 'string') return tokens
  let i = 0
  const word = (k: number) => (tokens[k]?.kind === 'word' ? tokens[k]!.text.toLowerCase() : undefined)
  const phraseAt = (phrases: string[][]) => {
    let best = 0
    for (const p of phrases) if (p.length > best && p.every((w, k) => word(i + k) === w)) best = p.length
    return best
  }
  const isPunct = (text: string) => tokens[i]?.kind === 'punct' && tokens[i]!.text === text

  // name
  const first = tokens[i]
  if (!first) return 'it is empty'
  if (first.kind === 'quoted' && grammar.hasQualifiedNames) i++
  else if (first.kind === 'word') {
    if (CLAUSE_WORDS.has(first.text.toLowerCase())) return `"${first.text}" starts a column clause, not a type`
    i += Math.max(1, phraseAt(grammar.multiWordNames))
  } else return 'it must start with a type name'
  if (grammar.hasQualifiedNames && isPunct('.')) {
    i++
    if (tokens[i]?.kind !== 'word' && tokens[i]?.kind !== 'quoted') return 'a schema-qualified name needs a type after the dot'
    i++
  }

  // (n[,m]) and modifiers, in either order (`timestamp(3) with time zone`, `interval day to second(3)`)
  let hasArgs = false
  for (;;) {
    if (isPunct('(') && !hasArgs) {
      hasArgs = true
      i++
      if (tokens[i]?.kind !== 'int') return 'only numbers can appear in its (n) or (p,s)'
      i++
      if (isPunct(',')) {
        i++
        if (tokens[i]?.kind !== 'int') return 'only numbers can appear in its (n) or (p,s)'
        i++
      }
      if (!isPunct(')')) return 'its (n) or (p,s) is not closed'
      i++
      continue
    }
    const n = phraseAt(grammar.modifiers)
    if (n === 0) break
    i += n
  }

  // array suffixes
  if (grammar.hasArrays)
    while (isPunct('[')) {
      i++
      if (tokens[i]?.kind === 'int') i++
      if (!isPunct(']')) return 'its [ ] is not closed'
      i++
    }

  if (i < tokens.length) {
    const rest = tokens.slice(i).map((t) => t.text).join(' ')
    return `"${rest}" is not part of a ${grammar.label} type`
  }
  return undefined
}

/**
 * `sql` trimmed, when it is a type name of the dialect; throws otherwise, saying what is wrong.
 * @example assertSafeTypeName('timestamp(3) with time zone', 'postgres') // 'timestamp(3) with time zone'
 */
export function assertSafeTypeName(sql: string, dialect: TypeNameDialect | TypeNameGrammar): string {
  const grammar = grammarOf(dialect)
  const problem = typeNameProblem(sql, grammar)
  if (problem)
    throw new Error(
      `${JSON.stringify(sql)} is not a ${grammar.label} type name: ${problem}. ` +
        `A type name is a known type with an optional (n) or (p,s)` +
        grammar.hint +
        '; constraints and defaults are separate property settings.',
    )
  return sql.trim()
}
