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
    const { stdout } = await run('node', ['dist/migrate.js', '--rebuild'], { cwd: EXAMPLE, env })
    expect(stdout).toMatch(/drop table|create table/i)
    expect(welcomeRows()).toHaveLength(1)
  })

  it('npm start serves the REST API: 201/200/204/400/404 with JSON errors', async () => {
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
    const call = async (method: string, path: string, body?: unknown, raw?: string) => {
      const res = await fetch(url + path, {
        method,
        headers: body !== undefined || raw ? { 'content-type': 'application/json' } : {},
        body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
      })
      const text = await res.text()
      return { status: res.status, json: text ? JSON.parse(text) : undefined }
    }

    let r = await call('GET', '/todos')
    expect(r.status).toBe(200)
    expect(r.json.map((t: { title: string }) => t.title)).toEqual(['welcome'])

    r = await call('POST', '/todos', { title: 'buy milk', desc: '2 litres' })
    expect(r.status).toBe(201)
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

    for (const [body, raw] of [[{ desc: 'no title' }], [{ title: 42 }], [{ title: 'x', isComplete: 'yes' }], [{ title: 'x', nope: 1 }], [undefined, '{bad json']] as const) {
      r = await call('POST', '/todos', body, raw)
      expect(r.status, JSON.stringify(body ?? raw)).toBe(400)
      expect(r.json.error.statusCode).toBe(400)
      expect(typeof r.json.error.message).toBe('string')
    }
    r = await call('PATCH', `/todos/${id}`, { isComplete: 'no' })
    expect(r.status).toBe(400)
    r = await call('GET', `/todos?filter=${encodeURIComponent('{"where":{"nope":1}}')}`)
    expect(r.status).toBe(400)
    expect(r.json.error.message).toMatch(/no property "nope"/)
    r = await call('GET', '/todos?filter=notjson')
    expect(r.status).toBe(400)

    r = await call('GET', '/todos/999999')
    expect(r.status).toBe(404)
    expect(r.json.error).toMatchObject({ statusCode: 404, code: 'ENTITY_NOT_FOUND' })
    expect((await call('PATCH', '/todos/999999', { isComplete: true })).status).toBe(404)
    expect((await call('DELETE', '/todos/999999')).status).toBe(404)
    expect((await call('GET', '/nothing-here')).status).toBe(404)

    r = await call('DELETE', `/todos/${id}`)
    expect(r.status).toBe(204)
    expect((await call('GET', `/todos/${id}`)).status).toBe(404)
  })
})
