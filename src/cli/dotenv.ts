import { existsSync } from 'node:fs'
import { resolve } from 'node:path'

/**
 * Loads `.env` from the working directory into `process.env`, as Prisma and Drizzle Kit do, with
 * Node's own parser; what the environment already sets wins. A config can then read `DATABASE_URL`.
 */
export function loadDotEnv(cwd = process.cwd()): string | undefined {
  const file = resolve(cwd, '.env')
  if (!existsSync(file)) return undefined
  process.loadEnvFile(file)
  return file
}
