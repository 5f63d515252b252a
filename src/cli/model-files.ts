import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { glob } from 'tinyglobby'
import { ShipshapeError } from '../errors.js'
import { isModelClass, type ModelClass } from '../model/entity.js'
import { importOptional } from '../optional-packages.js'

/** Imports a config or model file; TypeScript through tsx (an optional peer dependency). */
export async function importFile(file: string): Promise<Record<string, unknown>> {
  if (/\.[mc]?ts$/.test(file)) {
    const { tsImport } = await importOptional<typeof import('tsx/esm/api')>('tsx', 'tsx/esm/api')
    return (await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>
  }
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>
}

const MODEL_FILES = '**/*.{ts,mts,js,mjs}'
const NOT_MODELS = ['**/*.d.ts', '**/*.d.mts', '**/*.test.*', '**/*.spec.*', '**/node_modules/**']

/**
 * The model classes exported by the files of a folder (or matching a glob), relative to `base`.
 * @example await loadModelFiles('src/models', cwd) // every model class exported under src/models
 */
export async function loadModelFiles(path: string, base: string): Promise<ModelClass[]> {
  const full = resolve(base, path)
  const isFolder = existsSync(full) && statSync(full).isDirectory()
  const files = isFolder
    ? await glob(MODEL_FILES, { cwd: full, absolute: true, ignore: NOT_MODELS })
    : existsSync(full)
      ? [full]
      : await glob(path, { cwd: base, absolute: true, ignore: NOT_MODELS })
  const models = new Set<ModelClass>()
  for (const file of files.sort()) {
    const mod = await importFile(file)
    // A TypeScript file outside an ESM package is compiled as CommonJS: its exports arrive under `default`.
    const inner = mod.default && typeof mod.default === 'object' ? Object.values(mod.default) : []
    for (const value of [...Object.values(mod), ...inner]) if (isModelClass(value)) models.add(value)
  }
  if (models.size === 0)
    throw new ShipshapeError('INVALID_CONFIG', `No model classes exported by the files of "${path}" (looked in ${full}).`)
  return [...models]
}
