import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataSource } from '../../src/index.js'
import { backends, type TestScope } from '../support/backends.js'
// @ts-expect-error plain ESM helper shared with the child processes
import { faultModels } from '../support/fault-models.mjs'
import { migrateInChild } from './processes.js'

describe.each(backends.filter((b) => b.multiProcess))('ten processes migrating $name at once', (backend) => {
  let scope: TestScope
  beforeEach(async () => {
    scope = await backend.create()
  })
  afterEach(async () => {
    await scope.dispose()
  })

  it('one applies the plan, the others wait and find nothing to do; none fails', async () => {
    const v1 = new DataSource({ ...scope.config, models: faultModels('v1') })
    await v1.autoupdate()
    await v1.disconnect()
    await scope.insert('Account', { name: 'ada' })

    const config = { ...scope.config }
    const children = await Promise.all(Array.from({ length: 10 }, () => migrateInChild(config, { CHILD_VERSION: 'v2' })))
    for (const c of children) {
      // The child's own error first: it says why, where an exit code would only say that it failed.
      expect(c.result?.error).toBeUndefined()
      expect(c.stderr).toBe('')
      expect(c.code).toBe(0)
    }
    const applied = children.filter((c) => c.result?.executed)
    expect(applied).toHaveLength(1)
    expect(children.filter((c) => c.result?.changes === 0)).toHaveLength(9)

    expect((await scope.catalog.columns('Account')).map((c) => c.name)).toEqual(['id', 'name', 'email', 'active', 'joinedAt'])
    expect(await scope.catalog.foreignKeys('Invoice')).toHaveLength(1)
    expect((await scope.rows('Account', 'id')).map((r) => r.name)).toEqual(['ada'])
  })
})
