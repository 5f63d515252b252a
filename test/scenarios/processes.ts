import { spawn } from 'node:child_process'
import { resolve } from 'node:path'

const CHILD = resolve('test/support/migrate-child.mjs')

export interface ChildResult {
  code: number | null
  signal: NodeJS.Signals | null
  result?: { executed?: boolean; statements?: number; changes?: number; error?: string }
  stderr: string
}

/** Runs one migrating process over the built package and collects what it printed. */
export function migrateInChild(config: object, env: Record<string, string> = {}, script = CHILD): Promise<ChildResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, CHILD_CONFIG: JSON.stringify(config), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('close', (code, signal) => {
      let result
      try {
        result = out.trim() ? JSON.parse(out.trim().split('\n').pop()!) : undefined
      } catch {
        result = { error: out }
      }
      done({ code, signal, result, stderr: err })
    })
  })
}
