import { DataSource, defineModel, ModelDefinitionError, PlanRefusedError, type PropertyDefinition } from '../../src/index.js'
import type { Backend, TestScope } from '../support/backends.js'
import type { FuzzCase, PropCase, Spec } from './case.js'

// One fuzz case on one back end, with the invariant of issue 10:
// refused → every row and object as before; applied → every row not announced as converted reads
// back identical through the raw driver, hand-made objects still exist and still behave, and a
// second run plans nothing.

export type Outcome = { outcome: 'refused' | 'applied' | 'invalid'; failure?: string; detail?: string }

const T = 'Fz'

function property(p: PropCase): PropertyDefinition {
  const s = p.spec
  const def: Record<string, unknown> =
    s.kind === 'text'
      ? { type: 'string', ...(s.length ? { length: s.length } : {}) }
      : s.kind === 'double'
        ? { type: 'number' }
        : s.kind === 'int'
          ? { type: 'number', dataType: s.dataType }
          : s.kind === 'decimal'
            ? { type: 'number', precision: s.precision, scale: s.scale }
            : s.kind === 'timestamp'
              ? { type: 'date' }
              : s.kind === 'date'
                ? { type: 'date', dataType: 'date' }
                : { type: s.kind }
  if (p.required) def.required = true
  if (p.default !== undefined) def.default = p.default
  if (p.unique) def.unique = true
  if (p.renamedFrom) def.renamedFrom = p.renamedFrom
  return def as PropertyDefinition
}

const Parent = defineModel({ name: 'FzP', properties: { id: { type: 'number', id: true } } })

function model(props: PropCase[], composite: boolean, ref?: { declared: boolean }) {
  const two = props.filter((p) => p.spec.kind !== 'object').slice(0, 2)
  const settings: Record<string, unknown> = {}
  if (composite && two.length === 2) settings.indexes = { fz_comp: { keys: { [two[0]!.name]: 1, [two[1]!.name]: 1 }, options: { unique: true } } }
  if (ref?.declared) settings.foreignKeys = { fz_ref: { name: 'fz_ref', entity: 'FzP', entityKey: 'id', foreignKey: 'ref' } }
  return defineModel({
    name: T,
    properties: {
      id: { type: 'number', id: true },
      tag: { type: 'string', length: 40 },
      ...(ref ? { ref: { type: 'number', dataType: 'integer' } } : {}),
      ...Object.fromEntries(props.map((p) => [p.name, property(p)])),
    },
    ...(Object.keys(settings).length ? { settings } : {}),
  })
}

/** A value as the raw driver binds it for this spec. */
function bindable(backend: Backend, spec: Spec, v: unknown): unknown {
  if (v === null || v === undefined) return null
  if (spec.kind === 'object') return JSON.stringify(v)
  if (spec.kind === 'timestamp' && backend.dialect === 'mysql') return new Date(v as string)
  return v
}

/** A value each spec accepts, for the behaviour checks' inserts. */
function sample(backend: Backend, spec: Spec): unknown {
  switch (spec.kind) {
    case 'text':
      return 'zq'.slice(0, spec.length ?? 2)
    case 'boolean':
      return false
    case 'timestamp':
      return bindable(backend, spec, '2030-01-01T00:00:00.000Z')
    case 'date':
      return '2030-01-01'
    case 'object':
      return '{}'
    default:
      return 7
  }
}

/** Raw values made comparable: bigint and Date as text, JSON text parsed. */
function normal(v: unknown): unknown {
  if (v === null || v === undefined) return null
  if (typeof v === 'bigint') return String(v)
  if (v instanceof Date) return v.toISOString()
  if (Buffer.isBuffer(v)) return v.toString('hex')
  return v
}

async function snapshot(scope: TestScope) {
  const rows = (await scope.raw(`SELECT * FROM ${scope.table(T)} ORDER BY ${scope.quote('id')}`)).map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, normal(v)])),
  )
  return { rows, stamp: await scope.schemaStamp() }
}

/** Hand-made objects on `tag` and the table, in each engine's own SQL. */
async function makeHandMade(backend: Backend, scope: TestScope, c: FuzzCase) {
  const t = scope.table(T)
  const q = scope.quote
  const h = c.handMade
  const log = scope.table('hm_log')
  if (h.trigger) {
    await scope.raw(`CREATE TABLE ${log} (${q('x')} INTEGER)`)
    if (backend.dialect === 'postgres') {
      const fn = scope.table('hm_fn')
      await scope.raw(`CREATE FUNCTION ${fn}() RETURNS trigger AS $$ BEGIN INSERT INTO ${log} (x) VALUES (1); RETURN NEW; END $$ LANGUAGE plpgsql`)
      await scope.raw(`CREATE TRIGGER hm_trg AFTER INSERT ON ${t} FOR EACH ROW EXECUTE FUNCTION ${fn}()`)
    } else if (backend.dialect === 'mysql') await scope.raw(`CREATE TRIGGER hm_trg AFTER INSERT ON ${t} FOR EACH ROW INSERT INTO ${log} (x) VALUES (1)`)
    else await scope.raw(`CREATE TRIGGER hm_trg AFTER INSERT ON ${t} BEGIN INSERT INTO ${log} (x) VALUES (1); END`)
  }
  if (backend.dialect === 'sqlite') {
    // SQLite can't add a CHECK or a collation to a table: written by hand, as a user would.
    if (h.check || h.collation || h.comment) {
      const [{ sql }] = (await scope.raw(`SELECT sql FROM sqlite_master WHERE name = ?`, [T])) as [{ sql: string }]
      let text = sql
      if (h.collation) text = text.replace(/("tag" VARCHAR\(40\))/, '$1 COLLATE NOCASE')
      if (h.comment) text = text.replace(/("tag" VARCHAR\(40\)[^,\n]*)/, '$1 -- hand-made note\n')
      if (h.check) text = text.replace(/\)\s*$/, `, CONSTRAINT hm_check CHECK ("tag" IS NULL OR "tag" <> 'forbidden'))`)
      const triggers = (await scope.raw(`SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?`, [T])).map((r) => r.sql as string)
      await scope.raw(`ALTER TABLE ${t} RENAME TO "hm_old"`)
      await scope.raw(text)
      await scope.raw(`INSERT INTO ${t} SELECT * FROM "hm_old"`)
      await scope.raw(`DROP TABLE "hm_old"`)
      for (const s of triggers) await scope.raw(s)
      const indexes = (await scope.raw(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`, [T])).length
      void indexes
    }
  } else {
    if (h.check) await scope.raw(`ALTER TABLE ${t} ADD CONSTRAINT hm_check CHECK (${q('tag')} <> 'forbidden')`)
    if (backend.dialect === 'mysql' && (h.collation || h.comment))
      await scope.raw(`ALTER TABLE ${t} MODIFY ${q('tag')} VARCHAR(40) ${h.collation ? 'COLLATE utf8mb4_bin' : ''} ${h.comment ? "COMMENT 'hand-made note'" : ''}`)
    if (backend.dialect === 'postgres' && h.comment) await scope.raw(`COMMENT ON COLUMN ${t}.${q('tag')} IS 'hand-made note'`)
  }
  if (h.view) await scope.raw(`CREATE VIEW ${scope.table('hm_view')} AS SELECT ${q('id')}, ${q('tag')} FROM ${t}`)
  if (h.index) await scope.raw(`CREATE INDEX hm_idx ON ${t} (${q('tag')})`)
}

/** Whether the hand-made objects are still there and still do what they did; a reason when not. */
async function handMadeFailure(backend: Backend, scope: TestScope, c: FuzzCase, before: Record<string, unknown>[]): Promise<string | undefined> {
  const rows = before.length
  const t = scope.table(T)
  const q = scope.quote
  const h = c.handMade
  const row = (id: number, tag: string) => {
    const r: Record<string, unknown> = { id, tag }
    for (const p of c.v2) r[p.name] = p.required && p.default === undefined ? sample(backend, p.spec) : null
    return r
  }
  if (h.check || h.trigger) {
    const before = h.trigger ? Number((await scope.raw(`SELECT count(*) AS n FROM ${scope.table('hm_log')}`))[0]!.n) : 0
    let inserted = true
    await scope.insert(T, row(900001, 'allowed')).catch(() => (inserted = false))
    if (inserted) {
      if (h.trigger) {
        const after = Number((await scope.raw(`SELECT count(*) AS n FROM ${scope.table('hm_log')}`))[0]!.n)
        if (after !== before + 1) return 'the hand-made trigger no longer fires'
      }
      if (h.check) {
        const refused = await scope.insert(T, row(900002, 'forbidden')).then(() => false, () => true)
        if (!refused) return 'the hand-made CHECK no longer rejects'
      }
      await scope.raw(`DELETE FROM ${t} WHERE ${q('id')} >= 900001`)
    }
  }
  if (h.collation && rows > 0 && backend.dialect !== 'postgres') {
    const upper = String(before[0]!.tag).toUpperCase()
    const n = Number((await scope.raw(`SELECT count(*) AS n FROM ${t} WHERE ${q('tag')} = '${upper}'`))[0]!.n)
    const expected = backend.dialect === 'sqlite' ? 1 : 0
    if (n !== expected) return `the hand-made collation no longer ${backend.dialect === 'sqlite' ? 'folds' : 'keeps'} case`
  }
  if (h.comment && backend.dialect !== 'sqlite') {
    const comment =
      backend.dialect === 'postgres'
        ? (await scope.raw(`SELECT col_description(${`'${t.replace(/'/g, "''")}'`}::regclass, a.attnum) AS c FROM pg_attribute a WHERE a.attrelid = '${t.replace(/'/g, "''")}'::regclass AND a.attname = 'tag'`))[0]?.c
        : (await scope.raw(`SELECT COLUMN_COMMENT AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = 'tag'`, [T]))[0]?.c
    if (comment !== 'hand-made note') return `the hand-made comment is gone (${JSON.stringify(comment)})`
  }
  if (h.comment && backend.dialect === 'sqlite') {
    const [{ sql }] = (await scope.raw(`SELECT sql FROM sqlite_master WHERE name = ?`, [T])) as [{ sql: string }]
    if (!sql.includes('hand-made note')) return 'the hand-made comment in CREATE TABLE is gone'
  }
  if (h.view) {
    const n = Number((await scope.raw(`SELECT count(*) AS n FROM ${scope.table('hm_view')}`))[0]!.n)
    if (n !== rows) return `the hand-made view reads ${n} rows of ${rows}`
  }
  if (h.index && !(await scope.catalog.indexes(T)).some((i) => i.name === 'hm_idx')) return 'the hand-made index is gone'
  return undefined
}

/** Runs one case on a fresh scope of `backend`. */
export async function runFuzzCase(backend: Backend, c: FuzzCase): Promise<Outcome> {
  const scope = await backend.create()
  const open: DataSource[] = []
  const ds = (m: ReturnType<typeof model>) => {
    const d = new DataSource({ ...scope.config, models: c.ref ? [Parent, m] : [m] })
    open.push(d)
    return d
  }
  try {
    try {
      await ds(model(c.v1, false, c.ref && { declared: c.ref.v1 })).autoupdate()
    } catch (e) {
      if (e instanceof ModelDefinitionError) return { outcome: 'invalid', detail: e.message }
      throw e
    }
    if (c.ref) for (const id of [1, 2, 3]) await scope.insert('FzP', { id })
    for (const [i, r] of c.rows.entries()) {
      const row: Record<string, unknown> = { id: i + 1, tag: `t${i}` }
      if (c.ref) row.ref = c.ref.values[i] ?? null
      for (const p of c.v1) row[p.name] = bindable(backend, p.spec, r[p.name])
      // Rows the v1 table itself refuses (NULL in a required column, a duplicate) are left out.
      await scope.insert(T, row).catch(() => {})
    }
    await makeHandMade(backend, scope, c)
    const before = await snapshot(scope)
    const v2 = () => model(c.v2, c.composite, c.ref && { declared: c.ref.v2 })
    const d2 = ds(v2())
    let result
    try {
      result = await d2.autoupdate(undefined, { allowDataLoss: c.allowDataLoss })
    } catch (e) {
      if (e instanceof ModelDefinitionError) return { outcome: 'invalid', detail: e.message }
      const after = await snapshot(scope)
      if (!(e instanceof PlanRefusedError))
        return { outcome: 'refused', failure: `failed instead of being refused up front: ${(e as Error).message}`, detail: changedWhat(before, after) }
      if (JSON.stringify(after) !== JSON.stringify(before)) return { outcome: 'refused', failure: `refused but changed: ${changedWhat(before, after)}` }
      return { outcome: 'refused', detail: e.message.split('\n')[0] }
    }
    // What the plan announced: columns converted (their values may change), columns renamed.
    const converted = new Set<string>()
    const renamed = new Map<string, string>()
    for (const p of result.plan.changes) {
      for (const ch of p.change.kind === 'rebuild-table' ? p.change.changes : [p.change]) {
        if (ch.kind === 'alter-column' && ch.aspects.includes('type')) converted.add(ch.to.name)
        if (ch.kind === 'rename-column') renamed.set(ch.from, ch.to)
      }
    }
    const after = await snapshot(scope)
    if (after.rows.length !== before.rows.length) return { outcome: 'applied', failure: `${before.rows.length} rows became ${after.rows.length}` }
    for (const [i, b] of before.rows.entries()) {
      const a = after.rows[i]!
      for (const [col, v] of Object.entries(b)) {
        const now = renamed.get(col) ?? col
        if (converted.has(now)) continue
        if (!(now in a)) continue
        if (JSON.stringify(a[now]) !== JSON.stringify(v))
          return { outcome: 'applied', failure: `row ${b.id} column ${col}: ${JSON.stringify(v)} became ${JSON.stringify(a[now])} unannounced` }
      }
    }
    const broken = await handMadeFailure(backend, scope, c, before.rows as Record<string, unknown>[])
    if (broken) return { outcome: 'applied', failure: broken }
    const again = await ds(v2()).planAutoupdate()
    if (again.changes.length) return { outcome: 'applied', failure: `a second run plans: ${again.changes.map((x) => x.summary).join('; ')}` }
    return { outcome: 'applied' }
  } finally {
    for (const d of open) await d.disconnect().catch(() => {})
    await scope.dispose()
  }
}

function changedWhat(before: unknown, after: unknown): string {
  const b = before as { rows: unknown[]; stamp: string }
  const a = after as { rows: unknown[]; stamp: string }
  if (b.stamp !== a.stamp) return 'the schema changed'
  return `rows ${JSON.stringify(b.rows)} became ${JSON.stringify(a.rows)}`
}
