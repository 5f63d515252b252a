import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach } from 'vitest'
import type { Backend, TestScope } from './backends.js'

// Tests that spawn the built CLI (`npm run build` first), as a user would.

/** The built CLI's entry point. */
export const CLI = resolve('dist/cli/main.js')
/** The built library, for config files that import it by URL. */
export const LIB = pathToFileURL(resolve('dist/index.js')).href

export interface CliRun {
  code: number | null
  out: string
  err: string
}

/** Runs the CLI in `cwd` to its end, without colours unless `env` asks for them; `base` is the environment it starts from. */
export function runCli(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}, base: NodeJS.ProcessEnv = process.env): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...base, NO_COLOR: '1', ...env } })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

/** Before each test a fresh scope on `backend` and an empty folder, handed to `use`; after it, both removed. */
export function scopeAndFolderEach(backend: Backend, use: (scope: TestScope, dir: string) => void): void {
  let scope: TestScope
  let dir: string
  beforeEach(async () => {
    scope = await backend.create()
    dir = mkdtempSync(join(tmpdir(), 'shipshape-cli-'))
    use(scope, dir)
  })
  afterEach(async () => {
    await scope.dispose()
    rmSync(dir, { recursive: true, force: true })
  })
}
