import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A temporary migrations folder; `write` adds a file, `dispose` removes the folder. */
export function migrationsDir() {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-migrations-'))
  return {
    dir,
    write(name: string, text: string) {
      writeFileSync(join(dir, name), text)
      return join(dir, name)
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
