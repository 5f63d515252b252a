import { createRequire } from 'node:module'
import { ShipshapeError } from './errors.js'

/**
 * Packages Shipshape uses only for some work: the drivers (one per engine), tsx (TypeScript
 * configs and migrations). They are optional peer dependencies, so an
 * install carries only what the application uses — as Prisma, TypeORM and Drizzle do with drivers.
 */
export const OPTIONAL_PACKAGES = {
  pg: 'PostgreSQL',
  mysql2: 'MySQL and MariaDB',
  'better-sqlite3': 'SQLite',
  '@electric-sql/pglite': 'PGlite',
  tsx: 'TypeScript config and migration files',
} as const

export type OptionalPackage = keyof typeof OPTIONAL_PACKAGES

/** An optional package needed for the work at hand is not installed. */
export class MissingPackageError extends ShipshapeError {
  readonly packageName: OptionalPackage
  constructor(name: OptionalPackage, options?: { cause?: unknown }) {
    const dev = name === 'tsx'
    super(
      'MISSING_PACKAGE',
      `${OPTIONAL_PACKAGES[name]} needs the package "${name}", which is not installed. ` +
        `Install it: npm install ${dev ? '--save-dev ' : ''}${name}`,
      options,
    )
    this.packageName = name
  }
}

// Resolved from Shipshape's own location, which finds the application's node_modules too.
const require = createRequire(import.meta.url)

function isNotFound(e: unknown, name: string): boolean {
  const err = e as { code?: string; message?: string }
  return (err?.code === 'MODULE_NOT_FOUND' || err?.code === 'ERR_MODULE_NOT_FOUND') && String(err.message).includes(name)
}

/** Loads a CommonJS optional package (a driver) synchronously; `specifier` may name a subpath. */
const loaded = new Map<string, unknown>()

export function requireOptional<T>(name: OptionalPackage, specifier: string = name): T {
  // Kept: require() resolves a bare name through the file system on every call, and the pg type
  // parser asks for the driver once per column of every result (it doubled a short query's time).
  const known = loaded.get(specifier)
  if (known !== undefined) return known as T
  try {
    const mod = require(specifier) as T
    loaded.set(specifier, mod)
    return mod
  } catch (e) {
    if (isNotFound(e, name)) throw new MissingPackageError(name, { cause: e })
    throw e
  }
}

/** Imports an optional package (ESM or CommonJS); `specifier` may name a subpath. */
export async function importOptional<T>(name: OptionalPackage, specifier: string = name): Promise<T> {
  try {
    return (await import(specifier)) as T
  } catch (e) {
    if (isNotFound(e, name)) throw new MissingPackageError(name, { cause: e })
    throw e
  }
}
