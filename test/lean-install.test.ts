import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
  peerDependencies: Record<string, string>
  peerDependenciesMeta: Record<string, { optional?: boolean }>
}
const DRIVERS = ['pg', 'mysql2', 'better-sqlite3', '@electric-sql/pglite']

describe('a lean install', () => {
  it('keeps drivers and tsx out of dependencies: optional peers, installed for development', () => {
    for (const name of [...DRIVERS, 'tsx']) {
      expect(pkg.dependencies[name], `${name} in dependencies`).toBeUndefined()
      expect(pkg.peerDependencies[name], `${name} in peerDependencies`).toBeDefined()
      expect(pkg.peerDependenciesMeta[name]?.optional, `${name} optional`).toBe(true)
      expect(pkg.devDependencies[name], `${name} in devDependencies`).toBeDefined()
    }
    // src/ never imports express: the examples bring their own.
    expect(pkg.dependencies.express).toBeUndefined()
  })

  it('packs no source maps, and the LICENSE', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' })
    const files = (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path)
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([])
    expect(files).toContain('LICENSE')
    expect(files).toContain('dist/cli/main.js')
    expect(files.some((f) => f.startsWith('src/'))).toBe(false)
  })

  describe('without the drivers installed', () => {
    // The package as an application installs it with no driver: dist/ copied (a symlink would
    // resolve drivers from this repository), the runtime dependencies linked.
    let app: string
    const cli = () => join(app, 'node_modules', 'shipshape', 'dist', 'cli', 'main.js')
    beforeAll(() => {
      app = mkdtempSync(join(tmpdir(), 'shipshape-lean-'))
      const home = join(app, 'node_modules', 'shipshape')
      mkdirSync(home, { recursive: true })
      cpSync('dist', join(home, 'dist'), { recursive: true })
      cpSync('package.json', join(home, 'package.json'))
      for (const dep of Object.keys(pkg.dependencies)) {
        const link = join(app, 'node_modules', dep)
        mkdirSync(dirname(link), { recursive: true })
        symlinkSync(resolve('node_modules', dep), link, 'dir')
      }
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', type: 'module' }))
    })
    afterAll(() => rmSync(app, { recursive: true, force: true }))

    const run = (args: string[]) => {
      const r = spawnSync(process.execPath, [cli(), ...args], { cwd: app, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
      return { code: r.status, out: r.stdout, err: r.stderr }
    }

    it.each([
      ['sqlite', { connector: 'sqlite', file: 'app.db' }, 'better-sqlite3'],
      ['postgresql', { connector: 'postgresql', url: 'postgres://postgres@127.0.0.1:5432/test' }, 'pg'],
      ['mysql', { connector: 'mysql', url: 'mysql://root@127.0.0.1:3306/test' }, 'mysql2'],
      ['pglite', { connector: 'pglite' }, '@electric-sql/pglite'],
    ])('%s: exits 2 naming the package to install', (_name, datasource, driver) => {
      writeFileSync(
        join(app, 'shipshape.config.mjs'),
        `import { defineModel } from 'shipshape'
const Note = defineModel({ name: 'Note', properties: { id: { type: 'number', id: true, generated: true } } })
export default { datasources: [${JSON.stringify({ name: 'db', ...datasource })}], models: [Note] }
`,
      )
      const text = run(['migrate', '--dry-run'])
      expect(text.code).toBe(2)
      expect(text.err).toContain(`npm install ${driver}`)
      const json = run(['migrate', '--dry-run', '--json'])
      expect(json.code).toBe(2)
      expect(JSON.parse(json.out).error).toMatchObject({ code: 'MISSING_PACKAGE' })
      expect(JSON.parse(json.out).error.message).toContain(`"${driver}"`)
    })

    it('a TypeScript config without tsx: exits 2 naming tsx', () => {
      rmSync(join(app, 'shipshape.config.mjs'), { force: true })
      writeFileSync(join(app, 'shipshape.config.ts'), `export default { datasources: [{ name: 'db', connector: 'memory' }] }\n`)
      const r = run(['migrate', '--dry-run'])
      expect(r.code).toBe(2)
      expect(r.err).toContain('npm install --save-dev tsx')
      rmSync(join(app, 'shipshape.config.ts'))
    })
  })
})
