import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ShipshapeError } from '../errors.js'
import { importOptional } from '../optional-packages.js'

/** Where boot looks for one kind of artifact, relative to the project root. */
export interface ArtifactOptions {
  /** Folders (default: `datasources`, `models`, `repositories`). */
  dirs?: string[]
  /**
   * File name endings (default: `.datasource.js`, `.model.js`, `.repository.js`, and their `.ts`
   * sources, loaded through tsx, for an application run from its TypeScript sources; where both
   * are in one folder, the `.js` is used).
   */
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
  datasources: { dirs: ['datasources'], extensions: ['.datasource.js', '.datasource.ts'], nested: false },
  models: { dirs: ['models'], extensions: ['.model.js', '.model.ts'], nested: false },
  repositories: { dirs: ['repositories'], extensions: ['.repository.js', '.repository.ts'], nested: false },
}

/** Imports an artifact; TypeScript sources through tsx (an optional peer dependency). */
async function importArtifact(file: string): Promise<Record<string, unknown>> {
  if (!file.endsWith('.ts')) return (await import(pathToFileURL(file).href)) as Record<string, unknown>
  const { tsImport } = await importOptional<typeof import('tsx/esm/api')>('tsx', 'tsx/esm/api')
  const mod = (await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>
  // Outside an ESM package tsx compiles to CommonJS: the exports arrive under `default`.
  return mod.default && typeof mod.default === 'object' && Object.keys(mod).every((k) => k === 'default' || k === 'module.exports')
    ? (mod.default as Record<string, unknown>)
    : mod
}

function listFiles(dir: string, extensions: string[], nested: boolean): string[] {
  if (!existsSync(dir)) return []
  const out: string[] = []
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) {
      if (nested) out.push(...listFiles(path, extensions, nested))
    } else if (extensions.some((e) => name.endsWith(e)) && !name.endsWith('.d.ts')) out.push(path)
  }
  // A compiled file and its source side by side: the compiled one.
  return out.filter((p) => !(p.endsWith('.ts') && out.includes(p.replace(/\.ts$/, '.js'))))
}

/** The exported values of every artifact file of one kind, file by file in name order. */
export async function discoverArtifacts(projectRoot: string, kind: ArtifactKind, options: ArtifactOptions = {}): Promise<Array<{ file: string; exports: unknown[] }>> {
  const o = { ...DEFAULT_BOOT_OPTIONS[kind], ...options }
  const found: Array<{ file: string; exports: unknown[] }> = []
  for (const dir of o.dirs)
    for (const file of listFiles(resolve(projectRoot, dir), o.extensions, o.nested)) {
      const mod = await importArtifact(file)
      found.push({ file, exports: Object.values(mod) })
    }
  return found
}

/** LoopBack's datasource config files: `<name>.datasource.config.json` (and the older `<name>.datasource.json`). */
const CONFIG_ENDINGS = ['.datasource.config.json', '.datasource.json']

/**
 * The datasource config files in the datasource folders, each with its name (`name` in the file,
 * else the file's name before `.datasource`). A file that isn't a JSON object is an error naming it.
 */
export async function discoverDataSourceConfigs(
  projectRoot: string,
  options: ArtifactOptions = {},
): Promise<Array<{ file: string; config: Record<string, unknown> & { name: string; connector: string } }>> {
  const o = { ...DEFAULT_BOOT_OPTIONS.datasources, ...options }
  const found: Array<{ file: string; config: Record<string, unknown> & { name: string; connector: string } }> = []
  for (const dir of o.dirs)
    for (const file of listFiles(resolve(projectRoot, dir), CONFIG_ENDINGS, o.nested)) {
      let config: unknown
      try {
        config = JSON.parse(readFileSync(file, 'utf8'))
      } catch (e) {
        throw new ShipshapeError('INVALID_CONFIG', `Datasource config ${file} is not valid JSON: ${(e as Error).message}`, { cause: e })
      }
      if (!config || typeof config !== 'object' || Array.isArray(config))
        throw new ShipshapeError('INVALID_CONFIG', `Datasource config ${file} must be a JSON object such as {"name": "db", "connector": "postgresql", "url": "…"}.`)
      const name = (config as { name?: unknown }).name ?? basename(file).replace(/\.datasource(\.config)?\.json$/, '')
      found.push({ file, config: { ...(config as Record<string, unknown>), name: String(name) } as Record<string, unknown> & { name: string; connector: string } })
    }
  return found
}
