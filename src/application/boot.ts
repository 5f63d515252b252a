import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

/** Where boot looks for one kind of artifact, relative to the project root. */
export interface ArtifactOptions {
  /** Folders (default: `datasources`, `models`, `repositories`). */
  dirs?: string[]
  /** File name endings (default: `.datasource.js`, `.model.js`, `.repository.js`). */
  extensions?: string[]
  /** Look in sub-folders too. Default false. */
  nested?: boolean
}

/** LoopBack's boot options: one entry per artifact kind. */
export interface BootOptions {
  datasources?: ArtifactOptions
  models?: ArtifactOptions
  repositories?: ArtifactOptions
}

export type ArtifactKind = keyof BootOptions

export const DEFAULT_BOOT_OPTIONS: Required<{ [K in ArtifactKind]: Required<ArtifactOptions> }> = {
  datasources: { dirs: ['datasources'], extensions: ['.datasource.js'], nested: false },
  models: { dirs: ['models'], extensions: ['.model.js'], nested: false },
  repositories: { dirs: ['repositories'], extensions: ['.repository.js'], nested: false },
}

function listFiles(dir: string, extensions: string[], nested: boolean): string[] {
  if (!existsSync(dir)) return []
  const out: string[] = []
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) {
      if (nested) out.push(...listFiles(path, extensions, nested))
    } else if (extensions.some((e) => name.endsWith(e))) out.push(path)
  }
  return out
}

/** The exported values of every artifact file of one kind, file by file in name order. */
export async function discoverArtifacts(projectRoot: string, kind: ArtifactKind, options: ArtifactOptions = {}): Promise<Array<{ file: string; exports: unknown[] }>> {
  const o = { ...DEFAULT_BOOT_OPTIONS[kind], ...options }
  const found: Array<{ file: string; exports: unknown[] }> = []
  for (const dir of o.dirs)
    for (const file of listFiles(resolve(projectRoot, dir), o.extensions, o.nested)) {
      const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>
      found.push({ file, exports: Object.values(mod) })
    }
  return found
}
