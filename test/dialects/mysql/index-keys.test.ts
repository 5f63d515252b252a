import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataSource, defineModel, ModelDefinitionError } from '../../../src/index.js'
import { mysqlBackend, type TestScope } from '../../support/backends.js'

type Keys = Record<string, 1>
const Person = (index: { keys: Keys; unique?: boolean }, props: Record<string, object> = {}) =>
  defineModel({
    name: 'Person',
    properties: {
      id: { type: 'number', id: true, generated: true },
      first: { type: 'string' },
      last: { type: 'string' },
      city: { type: 'string' },
      ...props,
    },
    settings: { indexes: { person_idx: { keys: index.keys, options: { unique: !!index.unique } } } },
  })

// InnoDB keys hold 3,072 bytes; a string without a declared length is a VARCHAR(512), 2,048 bytes
// in utf8mb4. The server's own refusal came after the table was made; the model now says it first.
describe('MySQL/MariaDB index keys the server would refuse', () => {
  let scope: TestScope
  beforeEach(async () => {
    scope = await mysqlBackend.create()
  })
  afterEach(async () => {
    await scope.dispose()
  })

  const tables = async () => (await scope.raw(`SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()`)).map((r) => r.n)

  it('refuses an index over strings too long for a key, naming model, index, columns and the fix; nothing is created', async () => {
    const ds = new DataSource({ ...scope.config, models: [Person({ keys: { first: 1, last: 1 } })] })
    const err = await ds.autoupdate().then(() => undefined, (e: unknown) => e)
    expect(err).toBeInstanceOf(ModelDefinitionError)
    expect((err as Error).message).toMatch(/^Model "Person" index "person_idx" \(first, last\): its key would take 4096 bytes \(first: VARCHAR\(512\), last: VARCHAR\(512\);/)
    expect((err as Error).message).toContain('{length: 255}')
    expect(await tables()).toEqual([])
    await ds.disconnect()
  })

  it('refuses an index over a TEXT column', async () => {
    const ds = new DataSource({ ...scope.config, models: [Person({ keys: { bio: 1 } }, { bio: { type: 'string', mysql: { dataType: 'TEXT' } } })] })
    await expect(ds.autoupdate()).rejects.toThrow(/index "person_idx" \(bio\): column "bio" \(TEXT\) can't be indexed whole/)
    expect(await tables()).toEqual([])
    await ds.disconnect()
  })

  it('builds keys that fit, and leaves long UNIQUE keys to the server (MariaDB keeps them as a hash)', async () => {
    const fits = new DataSource({
      ...scope.config,
      models: [Person({ keys: { first: 1, last: 1, city: 1 } }, { first: { type: 'string', length: 255 }, last: { type: 'string', length: 255 }, city: { type: 'string', length: 250 } })],
    })
    await fits.autoupdate()
    expect((await fits.planAutoupdate()).changes).toEqual([])
    await fits.disconnect()
    await scope.raw(`DROP TABLE ${scope.table('Person')}`)

    const unique = new DataSource({ ...scope.config, models: [Person({ keys: { first: 1, last: 1 }, unique: true })] })
    const server = (await scope.raw('SELECT VERSION() AS v'))[0]!.v as string
    if (/mariadb/i.test(server)) {
      await unique.autoupdate()
      const ix = await scope.raw(`SELECT INDEX_NAME AS n, NON_UNIQUE AS nu FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'Person' AND INDEX_NAME = 'person_idx'`)
      expect(ix.map((r) => Number(r.nu))).toEqual([0, 0])
      expect((await unique.planAutoupdate()).changes).toEqual([])
    } else await expect(unique.autoupdate()).rejects.toThrow(/key was too long/)
    await unique.disconnect()
  })
})
