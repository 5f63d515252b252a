import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { inspect } from 'node:util'
import { pathToFileURL } from 'node:url'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { DataSource, defineModel, ShipshapeError } from '../src/index.js'
import { redact, redactError, redactValue, rememberSecret } from '../src/redact.js'

const CLI = resolve('dist/cli/main.js')
const LIB = pathToFileURL(resolve('dist/index.js')).href

// Passwords an operator might really have: every character URLs and connection strings treat specially.
const PASSWORDS = ['S3cr3t@host/x', 'pa ss wo rd', 'p%40ss%2Fw0rd', 'tail@@end', "qu'ote\"d;=&?#", 'slash/slash', 'üñí©ødé-pw']

/** Text shapes a password arrives in, unknown to Shipshape beforehand (no rememberSecret). */
function shapes(pw: string): string[] {
  const enc = encodeURIComponent(pw)
  return [
    `postgres://app:${pw}@db.example:5432/app`,
    `postgresql://app:${enc}@db.example/app?sslmode=require`,
    `mysql://root:${pw}@127.0.0.1:3306/test`,
    `mariadb://root:${enc}@[::1]:3306/test`,
    `failed to reach postgres://app:${pw}@db.example:5432/app: ECONNREFUSED`,
    `postgres://db.example/app?user=app&password=${enc}&sslmode=require`,
    `postgres://app@db.example/app?sslpassword=${enc}`,
    `postgres://app@db.example/app?sslkey=${enc}`,
    `host=db.example user=app password=${enc} dbname=app`,
    `host=db.example password='${pw.replace(/'/g, "\\'")}' dbname=app`,
    JSON.stringify({ host: 'db', password: pw }),
    inspect({ host: 'db', password: pw }),
  ]
}

describe('redact', () => {
  it('takes every password out of every shape, without knowing it beforehand', () => {
    for (const pw of PASSWORDS)
      for (const text of shapes(pw)) {
        const out = redact(text)
        for (const form of [pw, encodeURIComponent(pw)])
          expect(out, `${text} → ${out}`).not.toContain(form)
        expect(out).toContain('***')
      }
  })

  it('keeps what is not a secret, and is idempotent', () => {
    const plain = 'postgres://app@db.example:5432/app?sslmode=require: connect ECONNREFUSED 127.0.0.1:5432'
    expect(redact(plain)).toBe(plain)
    expect(redact('postgres://u:pw@h/db')).toBe('postgres://u:***@h/db')
    expect(redact(redact('postgres://u:p@ss@h/db'))).toBe('postgres://u:***@h/db')
    expect(redact('password authentication failed for user "app"')).toBe('password authentication failed for user "app"')
  })

  it('URL passwords of any characters never survive (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }).filter((s) => !/[\n"]/.test(s) && s.trim() === s && s.length > 0), (pw) => {
        const out = redact(`connecting to postgres://u:${pw}@h:5432/db failed`)
        expect(out).toBe('connecting to postgres://u:***@h:5432/db failed')
      }),
    )
  })

  it('registered secrets are removed wherever they appear, raw and encoded', () => {
    rememberSecret('hunter2-registered')
    expect(redact('driver said: bad token hunter2-registered near x')).not.toContain('hunter2')
    expect(redact(`x ${encodeURIComponent('hunter2 registered!')}`)).toContain('hunter2') // not registered
  })

  it('masks config objects and errors with their causes (err.cause.input)', () => {
    expect(redactValue({ url: 'postgres://u:pw1@h/d', password: 'x', nested: { sslkey: 'k', port: 1 } })).toEqual({
      url: 'postgres://u:***@h/d',
      password: '***',
      nested: { sslkey: '***', port: 1 },
    })
    let urlError: unknown
    try {
      new URL('postgres://u:a b@c@h:5432/db')
    } catch (e) {
      urlError = e
    }
    const err = redactError(new Error('wrapped', { cause: urlError }))
    expect(inspect(err, { depth: 5 })).not.toContain('a b@c')
    const ds = new DataSource({ connector: 'postgresql', url: 'postgres://u:ds-secret-1@h/db', password: 'ds-secret-2' })
    expect(inspect(ds, { depth: 5 })).not.toMatch(/ds-secret/)
    const own = new ShipshapeError('X', 'at postgres://u:top secret@h/db', { cause: new Error('mysql://r:other secret@h/db') })
    expect(inspect(own, { depth: 5 })).not.toMatch(/top secret|other secret/)
  })
})

// Real drivers: a refused connection (nothing listens on port 1) and a refused password (MariaDB's
// root has none). What the error says, what it keeps, and what `console.error(err)` prints.
const SERVERS = [
  { name: 'postgres', connector: 'postgresql', url: (pw: string) => `postgres://postgres:${pw}@127.0.0.1:1/test` },
  { name: 'postgres (unparsable URL)', connector: 'postgresql', url: (pw: string) => `postgres://postgres:${pw} x@127.0.0.1:1/test` },
  { name: 'mariadb (wrong password)', connector: 'mysql', url: (pw: string) => `mysql://root:${encodeURIComponent(pw)}@127.0.0.1:3306/test` },
  { name: 'mariadb (refused)', connector: 'mysql', url: (pw: string) => `mysql://root:${pw}@127.0.0.1:1/test` },
  { name: 'postgres (query parameter)', connector: 'postgresql', url: (pw: string) => `postgres://postgres@127.0.0.1:1/test?password=${encodeURIComponent(pw)}` },
]

describe.each(SERVERS)('no password in connection failures on $name', (server) => {
  const M = defineModel({ name: 'T', properties: { id: { type: 'number', id: true } } })
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-redact-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it.each(PASSWORDS.slice(0, 4))('password %j: message, cause, inspect and CLI --json', async (pw) => {
    const url = server.url(pw)
    const ds = new DataSource({ name: 'db', connector: server.connector, url, models: [M] })
    const err = await ds.autoupdate().then(
      () => undefined,
      (e: unknown) => e,
    )
    await ds.disconnect().catch(() => {})
    expect(err).toBeInstanceOf(Error)
    const printed = inspect(err, { depth: 8 }) + String((err as Error).message)
    for (const form of new Set([pw, encodeURIComponent(pw), pw.split('@').at(-1)!])) expect(printed).not.toContain(form)

    writeFileSync(
      join(dir, 'shipshape.config.mjs'),
      `import { defineModel } from ${JSON.stringify(LIB)}
const T = defineModel({ name: 'T', properties: { id: { type: 'number', id: true } } })
export default { datasources: [${JSON.stringify({ name: 'db', connector: server.connector, url })}], models: [T] }
`,
    )
    const r = spawnSync(process.execPath, [CLI, 'migrate', '--json'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', NODE_DEBUG: 'shipshape' },
    })
    expect(r.status).toBe(4)
    const all = r.stdout + r.stderr
    expect(JSON.parse(r.stdout).error.code).toBe('CONNECTION_FAILED')
    for (const form of new Set([pw, encodeURIComponent(pw), pw.split('@').at(-1)!])) expect(all).not.toContain(form)
  })
})
