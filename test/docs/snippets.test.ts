import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

type Kind = 'program' | 'fragment' | 'legacy-decorators'
interface Block {
  doc: string
  line: number
  code: string
  kind: Kind
}

/**
 * The ```ts blocks of a Markdown file, with the line each starts on. A `<!-- snippet: K -->` line
 * right before a block says what it is: `fragment` (lines of a method body, not compiled) or
 * `legacy-decorators` (LoopBack code, compiled with experimentalDecorators as LoopBack projects are).
 */
function tsBlocks(file: string): Block[] {
  const text = readFileSync(file, 'utf8')
  const doc = basename(file, '.md')
  return [...text.matchAll(/^(?:<!-- snippet: ([a-z-]+) -->\n)?```ts\n([\s\S]*?)^```/gm)].map((m) => ({
    doc,
    line: text.slice(0, m.index).split('\n').length,
    code: m[2]!,
    kind: (m[1] ?? 'program') as Kind,
  }))
}

// What snippets import from the reader's own project, as the README describes it.
const PROJECT_FILES: Record<string, string> = {
  'models/todo.model.ts': `import {Entity, model, property} from 'shipshape'
@model()
export class Todo extends Entity {
  @property({type: 'number', id: true, generated: true}) id?: number
  @property({type: 'string', required: true}) title!: string
  @property({type: 'boolean'}) isComplete?: boolean
  @property({type: 'date'}) createdAt?: Date
  @property({type: 'number'}) todoListId?: number
}
`,
  'models.ts': `export {Todo} from './models/todo.model.js'\nexport {TodoList} from './models/todo-list.model.js'\n`,
  'models/todo-list.model.ts': `import {Entity, model, property} from 'shipshape'
@model()
export class TodoList extends Entity {
  @property({type: 'number', id: true, generated: true}) id?: number
  @property({type: 'string', required: true}) title!: string
}
`,
  'repositories/todo.repository.ts': `import {DefaultCrudRepository, type DataSource} from 'shipshape'
import {Todo} from '../models/todo.model.js'
export class TodoRepository extends DefaultCrudRepository<Todo, typeof Todo.prototype.id> {
  constructor(ds: DataSource) {
    super(Todo, ds)
  }
}
`,
  'application.ts': `import {Application} from 'shipshape'\nexport class TodoListApplication extends Application {}\n`,
}

/**
 * What docs/ snippets use without importing it: the surrounding text has already shown it (a
 * datasource `ds`, the Todo model, the library's decorators). README snippets don't get this: each
 * of them must stand alone.
 */
const DOCS_CONTEXT = `import type * as S from 'shipshape'
import type {Todo as TodoModel} from './models/todo.model.js'
import type {TodoList as TodoListModel} from './models/todo-list.model.js'
import type {TodoRepository as TodoRepo} from './repositories/todo.repository.js'
declare global {
  const Application: typeof S.Application; type Application = S.Application
  const DataSource: typeof S.DataSource; type DataSource = S.DataSource
  const DefaultCrudRepository: typeof S.DefaultCrudRepository
  type DefaultCrudRepository<T extends S.Entity, ID, R extends object = {}> = S.DefaultCrudRepository<T, ID, R>
  const Entity: typeof S.Entity; type Entity = S.Entity
  const model: typeof S.model, property: typeof S.property
  const hasMany: typeof S.hasMany, hasOne: typeof S.hasOne, belongsTo: typeof S.belongsTo, referencesMany: typeof S.referencesMany
  const inject: typeof S.inject, repository: typeof S.repository
  namespace juggler {
    const DataSource: typeof S.juggler.DataSource
    type DataSource = S.juggler.DataSource
  }
  type Getter<T> = S.Getter<T>
  type BelongsToAccessor<T extends S.Entity, ID> = S.BelongsToAccessor<T, ID>
  const Todo: typeof TodoModel; type Todo = TodoModel
  const TodoList: typeof TodoListModel; type TodoList = TodoListModel
  const TodoRepository: typeof TodoRepo; type TodoRepository = TodoRepo
  type TodoListRepository = S.DefaultCrudRepository<TodoListModel, number>
  type TodoRelations = {}
  const TodoListImage: typeof S.Entity; type TodoListImage = S.Entity
  const Tag: typeof S.Entity
  const Customer: typeof S.Entity
  const ds: S.DataSource, app: S.Application, url: string, rows: Array<Partial<TodoModel>>, tenants: string[]
  const lists: S.DefaultCrudRepository<TodoListModel, number>, todos: TodoRepo
  const todoListRepository: S.DefaultCrudRepository<TodoListModel, number>, id: number
  const server: {listen(port: number): void; close(): void}
  const web: {get(path: string, handler: (req: unknown, res: {json(body: unknown): void}) => void): void}
  function writeFileSync(file: string, data: string): void
  function dirname(path: string): string
  function fileURLToPath(url: string | URL): string
}
`

const DOCS = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => join('docs', f))]

/** Compiles the blocks as modules of one project; tsc's output, each error naming its document and line. */
function compile(dir: string, blocks: Block[], options: { context: boolean; legacyDecorators?: boolean }): string {
  const files = blocks.map((b) => {
    const file = join(dir, `${b.doc}-line-${b.line}.ts`)
    writeFileSync(file, `${b.code}\nexport {}\n`)
    return file
  })
  if (options.context) writeFileSync(join(dir, 'docs-context.d.ts'), DOCS_CONTEXT)
  const project = join(dir, `tsconfig.${blocks[0]!.doc}.${options.legacyDecorators ? 'legacy' : 'tc39'}.json`)
  const legacy = options.legacyDecorators ? { experimentalDecorators: true, emitDecoratorMetadata: true, strictPropertyInitialization: false } : {}
  writeFileSync(
    project,
    JSON.stringify({
      extends: resolve('tsconfig.json'),
      compilerOptions: { noEmit: true, rootDir: '/', noUnusedLocals: false, types: ['node'], typeRoots: [resolve('node_modules/@types')], ...legacy },
      files: [...files, ...Object.keys(PROJECT_FILES).map((p) => join(dir, p)), ...(options.context ? [join(dir, 'docs-context.d.ts')] : [])],
      include: [],
    }),
  )
  try {
    execFileSync(process.execPath, [resolve('node_modules/typescript/bin/tsc'), '-p', project], { encoding: 'utf8' })
    return ''
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? e).replaceAll(dir + '/', '')
  }
}

/**
 * Every TypeScript snippet of README.md and docs/ compiles as written, under the repository's strict
 * settings, each as its own module.
 */
describe('README.md and docs/ snippets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-docs-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const blocks = DOCS.flatMap(tsBlocks)
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }))
  for (const [path, text] of Object.entries(PROJECT_FILES)) {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), text)
  }

  it('README: each snippet stands alone (a name it uses, it imports)', () => {
    const readme = blocks.filter((b) => b.doc === 'README')
    expect(readme.length).toBeGreaterThan(3)
    expect(readme.filter((b) => b.kind !== 'program')).toEqual([])
    expect(compile(dir, readme, { context: false })).toBe('')
  }, 120_000)

  it('docs/: snippets compile with what their page has shown', () => {
    const docs = blocks.filter((b) => b.doc !== 'README' && b.kind !== 'fragment')
    expect(docs.length).toBeGreaterThan(10)
    const tc39 = docs.filter((b) => b.kind === 'program')
    const legacy = docs.filter((b) => b.kind === 'legacy-decorators')
    expect(compile(dir, tc39, { context: true }) + (legacy.length ? compile(dir, legacy, { context: true, legacyDecorators: true }) : '')).toBe('')
  }, 120_000)
})
