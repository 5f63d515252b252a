import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { discoverDataSourceConfigs } from '../application/boot.js'
import { normalizeDataSourceConfig, type DataSourceConfig } from '../datasource/config.js'

/** A LoopBack 4 datasource found in a project, and the file it came from. */
export interface FoundDataSource {
  file: string
  config: DataSourceConfig
}

// The `const config = {...};` literal `lb4 datasource` writes into src/datasources/<name>.datasource.ts.
const CONFIG_LITERAL = /const\s+config\s*=\s*(\{[\s\S]*?\n\})\s*;?/

function readTsDataSource(file: string): DataSourceConfig | undefined {
  const literal = CONFIG_LITERAL.exec(readFileSync(file, 'utf8'))?.[1]
  if (!literal) return undefined
  try {
    // The project's own file, a plain object literal (it may read process.env).
    const value = new Function(`return (${literal})`)() as object
    return normalizeDataSourceConfig(value, file.replace(/^.*\/|\.datasource\.ts$/g, ''))
  } catch {
    return undefined
  }
}

/** The datasource configs of a LoopBack 4 project: `src/datasources/*.datasource.ts` and `*.datasource.config.json`. */
export async function loopBackDataSources(cwd: string): Promise<FoundDataSource[]> {
  const dir = resolve(cwd, 'src', 'datasources')
  const found: FoundDataSource[] = []
  if (existsSync(dir))
    for (const name of readdirSync(dir).sort())
      if (name.endsWith('.datasource.ts')) {
        const config = readTsDataSource(join(dir, name))
        if (config) found.push({ file: relative(cwd, join(dir, name)), config })
      }
  for (const { file, config } of await discoverDataSourceConfigs(resolve(cwd, 'src')))
    if (!found.some((f) => f.config.name === config.name)) found.push({ file: relative(cwd, file), config: normalizeDataSourceConfig(config) })
  return found
}
