import { describe, expect, it } from 'vitest'
import { CountingConnection, DataSource, defineModel, type TableRef } from '../../src/index.js'
import { backends, type TestScope } from '../support/backends.js'
import { useScope } from '../support/scope.js'

const models = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    defineModel({
      name: `M${i}`,
      properties: { id: { type: 'number', id: true, generated: true }, name: { type: 'string', index: true }, ...(i ? { prevId: { type: 'number' } } : {}) },
      settings: i ? { foreignKeys: { [`m${i}_prev_fk`]: { name: `m${i}_prev_fk`, entity: `M${i - 1}`, entityKey: 'id', foreignKey: 'prevId' } } } : {},
    }),
  )

describe.each(backends)('introspection on $name', (backend) => {
  let scope: TestScope
  const ds = useScope(backend, (s) => (scope = s))

  it('takes the same number of queries for 1 table as for 40', async () => {
    const d: DataSource = ds(models(40))
    await d.autoupdate()
    const conn = new CountingConnection(await d.connection())
    const refs = (n: number): TableRef[] => models(n).map((m) => ({ ...(scope.config.schema ? { schema: scope.config.schema as string } : {}), name: m.definition.name }))
    const one = await d.dialect!.introspect(conn, refs(1))
    const countOne = conn.count
    conn.count = 0
    const forty = await d.dialect!.introspect(conn, refs(40))
    expect(conn.count).toBe(countOne)
    // A handful (the default schema, then one query per kind of object), never one per table.
    expect(countOne).toBeLessThanOrEqual(6)
    expect(one.tables).toHaveLength(1)
    expect(forty.tables).toHaveLength(40)
    expect(forty.tables[39]!.foreignKeys.map((f) => f.name)).toEqual(['m39_prev_fk'])
    expect(forty.tables[39]!.indexes.map((i) => i.name)).toEqual(['M39_name_idx'])
  })
})
