import { describe, expect, it } from 'vitest'
import { DataSource, DefaultCrudRepository, defineModel } from '../../src/index.js'
import { backends, type TestScope } from '../support/backends.js'
import { useScope } from '../support/scope.js'

/** LoopBack JSON models with relations: one belongsTo asks for its constraint, one doesn't. */
function models() {
  const Author = defineModel({
    name: 'Author',
    properties: { id: { type: 'number', id: true, generated: true }, name: { type: 'string', required: true } },
    relations: { books: { type: 'hasMany', model: 'Book', foreignKey: 'authorId' } },
  })
  const Book = defineModel({
    name: 'Book',
    properties: {
      id: { type: 'number', id: true, generated: true },
      title: { type: 'string', required: true },
      authorId: { type: 'number', required: true },
      editorId: { type: 'number' },
    },
    relations: {
      author: { type: 'belongsTo', model: 'Author', foreignKey: 'authorId', foreignKeyConstraint: { onDelete: 'CASCADE' } },
      editor: { type: 'belongsTo', model: 'Author', foreignKey: 'editorId' },
    },
  })
  return { Author, Book }
}

describe.each(backends)('belongsTo foreign keys on $name', (backend) => {
  let scope: TestScope
  const ds = useScope(backend, (s) => (scope = s))

  it('are created only when asked (relation or datasource setting), typed like the key they refer to, and plan nothing after', async () => {
    const { Author, Book } = models()
    const d = ds([Author, Book])
    await d.automigrate()
    const fks = await scope.catalog.foreignKeys('Book')
    expect(fks.map((f) => [f.columns, f.refTable, f.refColumns, f.onDelete.toLowerCase()])).toEqual([[['authorId'], 'Author', ['id'], 'cascade']])
    const cols = await scope.catalog.columns('Book')
    const idType = (await scope.catalog.columns('Author')).find((c) => c.name === 'id')!.type
    // Both keys take the id's integer type, constraint or not (a plain number would be a double).
    expect(cols.find((c) => c.name === 'editorId')!.type).toBe(idType)
    expect(cols.find((c) => c.name === 'authorId')!.type).toBe(idType)
    expect((await d.planAutoupdate()).changes.map((c) => c.summary)).toEqual([])

    // The relations read through the repositories, no accessor registered (JSON models by name).
    const authors = new DefaultCrudRepository(Author, d)
    const books = new DefaultCrudRepository(Book, d)
    const ada = await authors.create({ name: 'Ada' })
    await books.createAll([{ title: 'Notes', authorId: ada.id, editorId: ada.id }, { title: 'Letters', authorId: ada.id }])
    const found = await authors.find({ include: [{ relation: 'books', scope: { order: ['title'], include: ['editor'] } }] })
    expect(JSON.parse(JSON.stringify(found))).toEqual([
      {
        id: ada.id,
        name: 'Ada',
        books: [
          { id: expect.any(Number), title: 'Letters', authorId: ada.id, editorId: null },
          { id: expect.any(Number), title: 'Notes', authorId: ada.id, editorId: ada.id, editor: { id: ada.id, name: 'Ada' } },
        ],
      },
    ])
    // The constraint is real: deleting the author cascades.
    await authors.deleteById(ada.id)
    expect((await books.count()).count).toBe(0)

    // The datasource setting adds the other one; a second run plans nothing.
    const all = new DataSource({ ...scope.config, name: 'all', foreignKeyConstraints: true, models: [Author, Book] })
    try {
      const plan = await all.planAutoupdate()
      expect(plan.changes.map((c) => c.change.kind)).toEqual([expect.stringMatching(/add-foreign-key|rebuild-table/)])
      await all.autoupdate()
      expect((await scope.catalog.foreignKeys('Book')).map((f) => f.columns[0]).sort()).toEqual(['authorId', 'editorId'])
      expect((await all.planAutoupdate()).changes).toEqual([])
    } finally {
      await all.disconnect()
    }
  })

  it('a constraint to a model the datasource lacks is refused by name', async () => {
    const { Book } = models()
    await expect(ds([Book]).automigrate()).rejects.toThrow(/Model "Book" relation "author": model "Author" is not known here/)
  })
})
