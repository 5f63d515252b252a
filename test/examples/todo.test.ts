import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import BetterSqlite from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const EXAMPLE = resolve('examples/todo')

/** The example as a user runs it: installed (once), built with its own tsc, SQLite in a temp dir. */
describe('examples/todo end to end', () => {
  let dir: string
  let env: NodeJS.ProcessEnv
  let server: ChildProcess | undefined
  let url = ''

  beforeAll(async () => {
    // Installed and built once by test/support/global-setup.ts.
    if (!existsSync(join(EXAMPLE, 'dist', 'index.js'))) throw new Error('examples/todo was not built by the global setup')
    dir = mkdtempSync(join(tmpdir(), 'shipshape-todo-'))
    env = { ...process.env, SQLITE_FILE: join(dir, 'todo.db'), HOST: '127.0.0.1', PORT: '0', DATABASE_URL: '' }
  }, 180_000)

  afterAll(async () => {
    server?.kill('SIGTERM')
    if (server && server.exitCode === null) await new Promise((r) => server!.once('exit', r))
    rmSync(dir, { recursive: true, force: true })
  })

  const welcomeRows = () => {
    const db = new BetterSqlite(join(dir, 'todo.db'), { readonly: true })
    try {
      return db.prepare(`SELECT * FROM "Todo" WHERE "title" = 'welcome'`).all() as Array<Record<string, unknown>>
    } finally {
      db.close()
    }
  }

  it('npm run migrate, three times, leaves exactly one welcome todo; --rebuild re-creates and seeds', async () => {
    // A dry run first: it plans the table, creates nothing and seeds nothing.
    const dry = await run('node', ['dist/migrate.js', '--dry-run'], { cwd: EXAMPLE, env })
    expect(dry.stdout).toMatch(/CREATE TABLE "Todo"/)
    expect(existsSync(join(dir, 'todo.db')) ? new BetterSqlite(join(dir, 'todo.db')).prepare(`SELECT count(*) AS n FROM sqlite_schema WHERE name = 'Todo'`).get() : { n: 0 }).toEqual({ n: 0 })
    for (let i = 0; i < 3; i++) {
      const { stdout } = await run('node', ['dist/migrate.js'], { cwd: EXAMPLE, env })
      expect(stdout).toMatch(i === 0 ? /create table Todo/ : /up to date|Nothing to do/)
    }
    expect(welcomeRows()).toHaveLength(1)
    expect(welcomeRows()[0]).toMatchObject({ title: 'welcome', isComplete: 0 })
    const { stdout } = await run('node', ['dist/migrate.js', '--rebuild', '--yes'], { cwd: EXAMPLE, env })
    expect(stdout).toMatch(/drop table|create table/i)
    expect(welcomeRows()).toHaveLength(1)
  })

  it('npm start serves the REST API as LoopBack 4 does: 200/204/404/409/415/422 with JSON errors, filters, /openapi.json', async () => {
    server = spawn('node', ['dist/index.js'], { cwd: EXAMPLE, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    url = await new Promise<string>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`no start line after 20 s:\n${output}`)), 20_000)
      const onData = (b: Buffer) => {
        output += b
        const m = /Server is running at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
        if (m) {
          clearTimeout(timer)
          ok(m[1]!)
        }
      }
      server!.stdout!.on('data', onData)
      server!.stderr!.on('data', onData)
      server!.once('exit', (code) => fail(new Error(`exited with ${code}:\n${output}`)))
    })
    const call = async (method: string, path: string, body?: unknown, raw?: string, type = 'application/json') => {
      const res = await fetch(url + path, {
        method,
        headers: body !== undefined || raw ? { 'content-type': type } : {},
        body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
      })
      const text = await res.text()
      return { status: res.status, json: text ? JSON.parse(text) : undefined }
    }

    let r = await call('GET', '/todos')
    expect(r.status).toBe(200)
    expect(r.json.map((t: { title: string }) => t.title)).toEqual(['welcome'])

    // LoopBack 4's generated controller answers POST with 200 and the created instance.
    r = await call('POST', '/todos', { title: 'buy milk', desc: '2 litres' })
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ title: 'buy milk', desc: '2 litres', isComplete: false })
    expect(typeof r.json.id).toBe('number')
    expect(new Date(r.json.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000)
    const id = r.json.id

    r = await call('GET', `/todos/${id}`)
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ id, title: 'buy milk' })

    r = await call('PATCH', `/todos/${id}`, { isComplete: true })
    expect(r.status).toBe(204)
    r = await call('GET', `/todos?filter=${encodeURIComponent(JSON.stringify({ where: { isComplete: true }, fields: ['id', 'title'] }))}`)
    expect(r.status).toBe(200)
    expect(r.json).toEqual([{ id, title: 'buy milk' }])

    // The query-string style: filter[where][title]=welcome selects, typed values are converted.
    r = await call('GET', '/todos?filter[where][title]=welcome')
    expect(r.status).toBe(200)
    expect(r.json.map((t: { title: string }) => t.title)).toEqual(['welcome'])
    r = await call('GET', '/todos?filter[where][isComplete]=true&filter[fields][title]=true')
    expect(r.json).toEqual([{ title: 'buy milk' }])
    r = await call('GET', '/todos?filter[order]=id%20DESC&filter[limit]=1')
    expect(r.json.map((t: { id: number }) => t.id)).toEqual([id])
    r = await call('GET', '/todos?filter[where][id][gt]=0&filter[where][title][like]=buy%25')
    expect(r.json.map((t: { title: string }) => t.title)).toEqual(['buy milk'])

    r = await call('GET', '/todos/count')
    expect(r).toEqual({ status: 200, json: { count: 2 } })
    r = await call('GET', '/todos/count?where[isComplete]=false')
    expect(r.json).toEqual({ count: 1 })
    r = await call('GET', `/todos/count?where=${encodeURIComponent('{"title":"buy milk"}')}`)
    expect(r.json).toEqual({ count: 1 })

    // PUT replaces (properties left out are cleared), PATCH /todos updates by where and counts.
    r = await call('PUT', `/todos/${id}`, { title: 'buy oat milk', isComplete: false })
    expect(r.status).toBe(204)
    r = await call('GET', `/todos/${id}`)
    expect(r.json).toMatchObject({ id, title: 'buy oat milk', isComplete: false })
    expect(r.json.desc ?? null).toBeNull()
    r = await call('PUT', `/todos/${id}`, { isComplete: true })
    expect(r.status).toBe(422)
    expect(r.json.error.details).toEqual([{ path: '', code: 'required', message: "must have required property 'title'", info: { missingProperty: 'title' } }])
    expect((await call('PUT', '/todos/999999', { title: 'x' })).status).toBe(404)
    r = await call('PATCH', '/todos?where[title]=welcome', { desc: 'patched' })
    expect(r).toEqual({ status: 200, json: { count: 1 } })
    r = await call('PATCH', '/todos', { isComplete: true })
    expect(r).toEqual({ status: 200, json: { count: 2 } })
    r = await call('GET', '/todos?filter[where][desc]=patched')
    expect(r.json.map((t: { title: string; isComplete: boolean }) => [t.title, t.isComplete])).toEqual([['welcome', true]])

    // Validation: 422 with ajv's details, as LoopBack 4.
    const invalid: Array<[unknown, { path: string; code: string; info?: object }]> = [
      [{ desc: 'no title' }, { path: '', code: 'required', info: { missingProperty: 'title' } }],
      [{ title: 42 }, { path: '/title', code: 'type', info: { type: 'string' } }],
      [{ title: 'x', isComplete: 'yes' }, { path: '/isComplete', code: 'type', info: { type: 'boolean' } }],
      [{ title: 'x', nope: 1 }, { path: '', code: 'additionalProperties', info: { additionalProperty: 'nope' } }],
      // The id is generated: a client-supplied one is refused, not stored.
      [{ title: 'x', id: 424242 }, { path: '', code: 'additionalProperties', info: { additionalProperty: 'id' } }],
      [{ title: 'x', createdAt: 'yesterday' }, { path: '/createdAt', code: 'format', info: { format: 'date-time' } }],
    ]
    for (const [body, detail] of invalid) {
      r = await call('POST', '/todos', body)
      expect(r.status, JSON.stringify(body)).toBe(422)
      expect(r.json.error).toMatchObject({ statusCode: 422, name: 'UnprocessableEntityError', code: 'VALIDATION_FAILED' })
      expect(r.json.error.details).toEqual([expect.objectContaining(detail)])
    }
    expect((await call('GET', '/todos/424242')).status).toBe(404)
    r = await call('POST', '/todos', undefined, '{bad json')
    expect(r.status).toBe(400)
    expect(r.json.error.statusCode).toBe(400)
    r = await call('PATCH', `/todos/${id}`, { isComplete: 'no' })
    expect(r.status).toBe(422)
    expect(r.json.error.details[0]).toMatchObject({ path: '/isComplete', code: 'type' })

    // A body that isn't JSON: 415, and nothing created.
    r = await call('POST', '/todos', undefined, 'title=form', 'application/x-www-form-urlencoded')
    expect(r.status).toBe(415)
    expect(r.json.error).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' })
    expect(r.json.error.message).toMatch(/application\/x-www-form-urlencoded/)
    expect((await call('POST', '/todos', undefined, 'title', 'text/plain')).status).toBe(415)
    expect((await call('GET', '/todos/count')).json).toEqual({ count: 2 })

    r = await call('GET', `/todos?filter=${encodeURIComponent('{"where":{"nope":1}}')}`)
    expect(r.status).toBe(400)
    expect(r.json.error.message).toMatch(/no property "nope"/)
    r = await call('GET', '/todos?filter=notjson')
    expect(r.status).toBe(400)
    expect(r.json.error.code).toBe('INVALID_PARAMETER_VALUE')

    r = await call('GET', '/todos/999999')
    expect(r.status).toBe(404)
    expect(r.json.error).toMatchObject({ statusCode: 404, code: 'ENTITY_NOT_FOUND' })
    expect((await call('PATCH', '/todos/999999', { isComplete: true })).status).toBe(404)
    expect((await call('DELETE', '/todos/999999')).status).toBe(404)
    expect((await call('GET', '/nothing-here')).status).toBe(404)

    // The OpenAPI document, generated from the models.
    r = await call('GET', '/openapi.json')
    expect(r.status).toBe(200)
    expect(r.json.openapi).toBe('3.0.0')
    expect(Object.keys(r.json.paths)).toEqual(['/todos/count', '/todos/{id}', '/todos'])
    expect(Object.keys(r.json.components.schemas)).toEqual(expect.arrayContaining(['Todo', 'NewTodo', 'TodoPartial', 'TodoWithRelations']))
    expect(r.json.components.schemas.Todo.properties.createdAt).toEqual({ type: 'string', format: 'date-time' })

    r = await call('DELETE', `/todos/${id}`)
    expect(r.status).toBe(204)
    expect((await call('GET', `/todos/${id}`)).status).toBe(404)
  })

  it('a unique-key violation from the driver answers 409 Conflict', async () => {
    const { errorResponse } = (await import(join(EXAMPLE, 'dist', 'rest', 'error-handler.js'))) as {
      errorResponse(e: unknown): { status: number; body: { error: Record<string, unknown> } }
    }
    const db = new BetterSqlite(':memory:')
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY)')
    db.exec('INSERT INTO t VALUES (1)')
    let violation: unknown
    try {
      db.exec('INSERT INTO t VALUES (1)')
    } catch (e) {
      violation = e
    }
    db.close()
    expect((violation as { code: string }).code).toBe('SQLITE_CONSTRAINT_PRIMARYKEY')
    // As the repository passes it on: wrapped or not.
    for (const e of [violation, Object.assign(new Error('insert failed', { cause: violation }), { code: 'QUERY_FAILED' })]) {
      const r = errorResponse(e)
      expect(r.status).toBe(409)
      expect(r.body.error).toMatchObject({ statusCode: 409, name: 'ConflictError', code: 'DUPLICATE_KEY' })
    }
  })
})
