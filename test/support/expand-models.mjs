// v1/v2 model pairs of the expand tests, the kill -9 child and bench/expand.mjs: one per kind
// of change that breaks the running version when applied in one step.
// `defineModel` comes from the caller (src in tests, dist in child processes and the bench).

/** @param {(json: object) => unknown} defineModel */
export function expandCases(defineModel) {
  const id = { type: 'number', id: true, generated: true }
  return {
    rename: {
      v1: defineModel({ name: 'Customer', properties: { id, name: { type: 'string', required: true }, note: { type: 'string' } } }),
      v2: defineModel({ name: 'Customer', properties: { id, fullName: { type: 'string', required: true, renamedFrom: 'name' }, note: { type: 'string' } } }),
      seed: (t) => `INSERT INTO ${t} ("name", "note") SELECT 'n' || g, 'x' FROM generate_series(1, $1::int) g`,
      v1Row: (i) => ({ name: `v1-${i}`, note: 'v1' }),
      v2Row: (i) => ({ fullName: `v2-${i}`, note: 'v2' }),
    },
    type: {
      v1: defineModel({ name: 'Customer', properties: { id, name: { type: 'string', required: true }, age: { type: 'string' } } }),
      v2: defineModel({ name: 'Customer', properties: { id, name: { type: 'string', required: true }, age: { type: 'number', postgresql: { dataType: 'integer' } } } }),
      seed: (t) => `INSERT INTO ${t} ("name", "age") SELECT 'n' || g, (g % 90)::text FROM generate_series(1, $1::int) g`,
      v1Row: (i) => ({ name: `v1-${i}`, age: String(i % 97) }),
      v2Row: (i) => ({ name: `v2-${i}`, age: i % 89 }),
    },
    required: {
      v1: defineModel({ name: 'Customer', properties: { id, name: { type: 'string', required: true } } }),
      v2: defineModel({
        name: 'Customer',
        properties: { id, name: { type: 'string', required: true }, country: { type: 'string', required: true, expand: { up: `'unknown'` } } },
      }),
      seed: (t) => `INSERT INTO ${t} ("name") SELECT 'n' || g FROM generate_series(1, $1::int) g`,
      v1Row: (i) => ({ name: `v1-${i}` }),
      v2Row: (i) => ({ name: `v2-${i}`, country: i % 2 ? 'FR' : 'DE' }),
    },
    split: {
      v1: defineModel({ name: 'Customer', properties: { id, name: { type: 'string', required: true } } }),
      v2: defineModel({
        name: 'Customer',
        properties: {
          id,
          firstName: { type: 'string', expand: { up: `split_part(name, ' ', 1)` } },
          lastName: { type: 'string', expand: { up: `split_part(name, ' ', 2)` } },
        },
        settings: { expand: { down: { name: `"firstName" || ' ' || "lastName"` } } },
      }),
      expandOptions: { removedColumns: 'drop' },
      seed: (t) => `INSERT INTO ${t} ("name") SELECT 'first' || g || ' last' || g FROM generate_series(1, $1::int) g`,
      v1Row: (i) => ({ name: `v1 ${i}` }),
      v2Row: (i) => ({ firstName: 'v2', lastName: String(i) }),
    },
    merge: {
      v1: defineModel({ name: 'Customer', properties: { id, firstName: { type: 'string', required: true }, lastName: { type: 'string', required: true } } }),
      v2: defineModel({
        name: 'Customer',
        properties: { id, fullName: { type: 'string', required: true, expand: { up: `"firstName" || ' ' || "lastName"` } } },
        settings: { expand: { down: { firstName: `split_part("fullName", ' ', 1)`, lastName: `split_part("fullName", ' ', 2)` } } },
      }),
      expandOptions: { removedColumns: 'drop' },
      seed: (t) => `INSERT INTO ${t} ("firstName", "lastName") SELECT 'first' || g, 'last' || g FROM generate_series(1, $1::int) g`,
      v1Row: (i) => ({ firstName: 'v1', lastName: String(i) }),
      v2Row: (i) => ({ fullName: `v2 ${i}` }),
    },
  }
}

/**
 * SQL counting rows whose old and new representations disagree, read through each version's
 * view while both are exposed (`t1`, `t2`: the v1 and v2 views).
 */
export const disagreement = {
  rename: (t1, t2) => `SELECT count(*)::int AS n FROM ${t1} a FULL JOIN ${t2} b USING (id) WHERE a."name" IS DISTINCT FROM b."fullName" OR a.id IS NULL OR b.id IS NULL`,
  type: (t1, t2) => `SELECT count(*)::int AS n FROM ${t1} a FULL JOIN ${t2} b USING (id) WHERE a."age"::integer IS DISTINCT FROM b."age" OR a.id IS NULL OR b.id IS NULL`,
  split: (t1, t2) => `SELECT count(*)::int AS n FROM ${t1} a FULL JOIN ${t2} b USING (id) WHERE a."name" IS DISTINCT FROM b."firstName" || ' ' || b."lastName" OR a.id IS NULL OR b.id IS NULL`,
  merge: (t1, t2) => `SELECT count(*)::int AS n FROM ${t1} a FULL JOIN ${t2} b USING (id) WHERE a."firstName" || ' ' || a."lastName" IS DISTINCT FROM b."fullName" OR a.id IS NULL OR b.id IS NULL`,
  required: (t1, t2) => `SELECT count(*)::int AS n FROM ${t1} a FULL JOIN ${t2} b USING (id) WHERE a."name" IS DISTINCT FROM b."name" OR b."country" IS NULL OR a.id IS NULL OR b.id IS NULL`,
}
