import fc from 'fast-check'

// A fuzz case is plain JSON: the models before and after, the rows, the hand-made objects and
// the options. Printed as is, it is a ready-to-paste regression test (see report.ts).

/** One property as the generator knows it; `spec` says what its values are. */
export type Spec =
  | { kind: 'text'; length?: number }
  | { kind: 'double' }
  | { kind: 'int'; dataType: 'smallint' | 'integer' | 'bigint' }
  | { kind: 'decimal'; precision: number; scale: number }
  | { kind: 'boolean' }
  | { kind: 'timestamp' }
  | { kind: 'date' }
  | { kind: 'object' }

export interface PropCase {
  name: string
  spec: Spec
  required?: boolean
  /** A literal default (fits the spec). */
  default?: string | number | boolean
  unique?: boolean
  /** v2 only: the v1 property it was called. */
  renamedFrom?: string
}

export interface HandMade {
  check: boolean
  collation: boolean
  comment: boolean
  trigger: boolean
  view: boolean
  index: boolean
}

export interface FuzzCase {
  v1: PropCase[]
  v2: PropCase[]
  /** v1 values per row, by property name; `tag` (a stable text column) and `id` are added by the runner. */
  rows: Record<string, unknown>[]
  handMade: HandMade
  /** A composite unique index over the first two v2 properties. */
  composite: boolean
  allowDataLoss: boolean
  /** A `ref` integer property referencing a parent table (rows 1–3): values, and whether v1 and v2 declare the foreign key. */
  ref?: { values: (number | null)[]; v1: boolean; v2: boolean }
}

const SPECS: fc.Arbitrary<Spec> = fc.oneof(
  fc.record({ kind: fc.constant('text' as const), length: fc.option(fc.constantFrom(1, 5, 20, 60), { nil: undefined }) }),
  fc.constant({ kind: 'double' as const }),
  fc.record({ kind: fc.constant('int' as const), dataType: fc.constantFrom('smallint' as const, 'integer' as const, 'bigint' as const) }),
  fc.record({ kind: fc.constant('decimal' as const), precision: fc.constantFrom(4, 8, 12), scale: fc.constantFrom(0, 2, 3) }),
  fc.constant({ kind: 'boolean' as const }),
  fc.constant({ kind: 'timestamp' as const }),
  fc.constant({ kind: 'date' as const }),
  fc.constant({ kind: 'object' as const }),
)

// Values chosen where conversions break: text that looks like another type, edges of ranges.
const TEXTS = ['', 'a', 'abc', '😀', 'x😀y', ' 5 ', '12', '-3', '+7', '1.5', '1e5', 'e5', '1.2.3', 'true', 'FALSE', 'off', 'maybe', '2024-01-02', '2024-13-45', '2024-01-02 10:11:12.345', '2024-01-02 junk', '99999999999999999999', 'ABCDE-001', 'ABCDE-002', 'ü'.repeat(30), 'long '.repeat(20)]
const NUMBERS = [0, 1, -1, 0.5, -2.25, 1.005, 20, 32767, 32768, -32769, 2147483647, 2 ** 31, 1e15, 123456.789, 9007199254740993, 1e20]
const DATES = ['2024-01-02T10:11:12.345Z', '2024-02-29T00:00:00.000Z', '1999-12-31T23:59:59.999Z', '2024-06-01T00:00:00.000Z']
const OBJECTS = [{}, { a: 1 }, { qty: 5, nested: { b: [1, 2] } }, { s: '😀' }, [1, 'x']]

export function fits(spec: Spec, v: unknown): boolean {
  switch (spec.kind) {
    case 'text':
      return typeof v === 'string' && (spec.length === undefined || [...v].length <= spec.length)
    case 'double':
      return typeof v === 'number' && Math.abs(v) < 1e300
    case 'int': {
      const limit = { smallint: 2 ** 15, integer: 2 ** 31, bigint: 2 ** 53 }[spec.dataType]
      return typeof v === 'number' && Number.isInteger(v) && v >= -limit && v < limit
    }
    case 'decimal':
      return typeof v === 'number' && Math.abs(Number(v.toFixed(spec.scale))) < 10 ** (spec.precision - spec.scale) && Number(v.toFixed(spec.scale)) === v
    case 'boolean':
      return typeof v === 'boolean'
    case 'timestamp':
      return typeof v === 'string' && DATES.includes(v)
    case 'date':
      return typeof v === 'string' && /^\d{4}-\d\d-\d\d$/.test(v)
    case 'object':
      return typeof v === 'object' && v !== null
  }
}

function valuesFor(spec: Spec): unknown[] {
  switch (spec.kind) {
    case 'text':
      return TEXTS.filter((v) => fits(spec, v))
    case 'double':
    case 'int':
    case 'decimal':
      return NUMBERS.filter((v) => fits(spec, v))
    case 'boolean':
      return [true, false]
    case 'timestamp':
      return DATES
    case 'date':
      return ['2024-01-02', '2024-02-29', '1999-12-31']
    case 'object':
      return OBJECTS
  }
}

function defaultFor(spec: Spec): fc.Arbitrary<string | number | boolean | undefined> {
  const none = fc.constant(undefined)
  switch (spec.kind) {
    case 'text':
      return fc.oneof(none, fc.constantFrom(...TEXTS.filter((v) => fits(spec, v) && v !== '')))
    case 'double':
    case 'int':
    case 'decimal':
      return fc.oneof(none, fc.constantFrom(...NUMBERS.filter((v) => fits(spec, v))))
    case 'boolean':
      return fc.oneof(none, fc.boolean())
    default:
      return none
  }
}

const prop = (name: string): fc.Arbitrary<PropCase> =>
  SPECS.chain((spec) =>
    fc.record({
      name: fc.constant(name),
      spec: fc.constant(spec),
      required: fc.boolean(),
      default: defaultFor(spec),
      unique: spec.kind === 'object' ? fc.constant(false) : fc.integer({ min: 0, max: 3 }).map((x) => x === 0),
    }),
  ).map(clean)

function clean(p: PropCase): PropCase {
  const out: PropCase = { name: p.name, spec: p.spec }
  if (p.required) out.required = true
  if (p.default !== undefined) out.default = p.default
  if (p.unique) out.unique = true
  if (p.renamedFrom) out.renamedFrom = p.renamedFrom
  return out
}

/** v2 from v1: each property kept, retyped, resized, re-required, re-defaulted, made unique or renamed; new ones added. */
function evolve(v1: PropCase[]): fc.Arbitrary<PropCase[]> {
  const each = v1.map((p, i) =>
    fc.oneof(
      fc.constant(p),
      prop(p.name),
      fc.record({ required: fc.boolean(), unique: fc.boolean() }).map((x) => clean({ ...p, ...x, required: x.required && p.default !== undefined ? true : x.required })),
      fc.constant(p.spec.kind === 'text' ? clean({ ...p, spec: { kind: 'text', length: p.spec.length ? Math.max(1, p.spec.length * 2) : 10 } }) : p),
      fc.constant(p.spec.kind === 'text' && p.spec.length ? clean({ ...p, spec: { kind: 'text', length: Math.max(1, Math.floor(p.spec.length / 4)) } }) : p),
      fc.constant(clean({ ...p, name: `r${i}`, renamedFrom: p.name })),
    ),
  )
  return fc.tuple(fc.tuple(...each), fc.array(prop('n'), { maxLength: 2 })).map(([kept, added]) => [
    ...kept,
    ...added.map((a, i) => ({ ...a, name: `n${i}` })),
  ])
}

export const fuzzCase: fc.Arbitrary<FuzzCase> = fc
  .integer({ min: 1, max: 3 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => prop(`p${i}`))))
  .chain((v1) =>
    fc.record({
      v1: fc.constant(v1),
      v2: evolve(v1),
      rows: fc.array(
        fc.record(Object.fromEntries(v1.map((p) => [p.name, fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 4, arbitrary: fc.constantFrom(...valuesFor(p.spec)) })]))),
        { maxLength: 5 },
      ),
      handMade: fc.record({ check: fc.boolean(), collation: fc.boolean(), comment: fc.boolean(), trigger: fc.boolean(), view: fc.boolean(), index: fc.boolean() }),
      composite: fc.integer({ min: 0, max: 4 }).map((x) => x === 0),
      allowDataLoss: fc.boolean(),
      ref: fc.option(
        fc.record({ values: fc.array(fc.constantFrom(1, 2, 3, 99, null), { minLength: 5, maxLength: 5 }), v1: fc.boolean(), v2: fc.boolean() }),
        { nil: undefined },
      ),
    }),
  )
