import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataSource, defineModel } from '../../src/index.js'
import { backends, type TestScope } from '../support/backends.js'

// Characters outside the Basic Multilingual Plane in a default: MariaDB's catalog shows each as '?'
// while the column inserts the right one, which once made every auto-update alter the column again.
const Note = (greeting: string) =>
  defineModel({
    name: 'Note',
    properties: {
      id: { type: 'number', id: true, generated: true },
      body: { type: 'string', length: 40 },
      greeting: { type: 'string', length: 40, default: greeting },
    },
  })

describe.each(backends)('defaults with supplementary characters on $name', (backend) => {
  let scope: TestScope
  beforeEach(async () => {
    scope = await backend.create()
  })
  afterEach(async () => {
    await scope.dispose()
  })

  it('a default with emoji inserts them and plans nothing on the next run', async () => {
    const ds = new DataSource({ ...scope.config, models: [Note('hi 😀 ?𝄞')] })
    await ds.autoupdate()
    expect((await ds.planAutoupdate()).changes).toEqual([])
    await scope.raw(`INSERT INTO ${scope.table('Note')} (${scope.quote('body')}) VALUES ('a')`)
    expect((await scope.rows('Note', 'id')).map((r) => r.greeting)).toEqual(['hi 😀 ?𝄞'])
    await ds.disconnect()
  })

  it('a change to the default is still seen, even where the catalog masks it', async () => {
    const v1 = new DataSource({ ...scope.config, models: [Note('hi 😀')] })
    await v1.autoupdate()
    await v1.disconnect()
    const v2 = new DataSource({ ...scope.config, models: [Note('hi 😎!')] })
    const plan = await v2.planAutoupdate()
    expect(plan.changes).toHaveLength(1) // alter-column, or a table rebuild on SQLite
    await v2.autoupdate()
    expect((await v2.planAutoupdate()).changes).toEqual([])
    await scope.raw(`INSERT INTO ${scope.table('Note')} (${scope.quote('body')}) VALUES ('b')`)
    expect((await scope.rows('Note', 'id')).map((r) => r.greeting)).toEqual(['hi 😎!'])
    await v2.disconnect()
  })
})
