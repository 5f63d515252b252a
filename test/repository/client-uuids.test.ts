import { describe, expect, it, vi } from 'vitest'
import { SqliteConnection } from '../../src/dialects/sqlite/connection.js'
import { sqliteDialect } from '../../src/dialects/sqlite/index.js'
import { DataSource, DefaultCrudRepository, registerConnector, registerDialect, type Dialect } from '../../src/index.js'
import { noteModel } from './models.js'

// Whether a generated uuid id is made by the repository is the DML adapter's own answer
// (`generatesUuidsInClient`: MySQL's family), not read into the absence of RETURNING.

async function insertedNote(dialect: Dialect, connector: string) {
  const conn = await SqliteConnection.open(':memory:')
  registerConnector(connector, { dialect, describe: () => connector, connect: async () => conn })
  const Note = noteModel()
  const ds = new DataSource({ name: connector, connector, models: [Note] })
  await ds.automigrate()
  const query = vi.spyOn(conn, 'query')
  const note = await new DefaultCrudRepository(Note, ds).create({ body: 'hello' })
  const insert = query.mock.calls.map(([sql]) => sql).find((sql) => sql.startsWith('INSERT INTO "Note"'))
  await ds.disconnect()
  return { id: note.id, insert }
}

describe('generated uuid ids', () => {
  it('are made by the repository where the dialect says so, by the database otherwise', async () => {
    const variant = registerDialect({ ...sqliteDialect, name: 'sqlite-client-uuids', dml: { ...sqliteDialect.dml, generatesUuidsInClient: true } })
    const byClient = await insertedNote(variant, 'test-client-uuids')
    expect(byClient.insert).toMatch(/^INSERT INTO "Note" \("id", "body"\)/)
    expect(byClient.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)

    const byDatabase = await insertedNote(sqliteDialect, 'test-database-uuids')
    expect(byDatabase.insert).toMatch(/^INSERT INTO "Note" \("body"\)/)
    expect(byDatabase.id).toEqual(expect.any(String))
  })
})
