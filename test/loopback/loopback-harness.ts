import { createRequire } from 'node:module'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import mysql from 'mysql2/promise'
import { DataSource, DefaultCrudRepository, defineModel, type DataSourceConfig, type ModelClass } from '../../src/index.js'
import { MYSQL_URL, PG_URL } from '../support/backends.js'
import type { AppModel } from './apps/index.js'

// Real LoopBack: loopback-datasource-juggler 7 and its SQL connectors (CommonJS, untyped).
const require = createRequire(import.meta.url)
const juggler = require('loopback-datasource-juggler') as { DataSource: new (settings: object) => any }

export type LoopbackBackend = 'postgres' | 'mysql' | 'sqlite'
export const loopbackBackends: LoopbackBackend[] = ['postgres', 'mysql', 'sqlite']

/** One empty database (PostgreSQL, MariaDB) or file (SQLite) for one test, reached by both tools. */
export interface AdoptionTarget {
  backend: LoopbackBackend
  /** Settings of a LoopBack datasource on it (connector module included). */
  loopbackSettings: Record<string, unknown>
  /** Shipshape's datasource config for it, with `naming: 'loopback'`. */
  shipshapeConfig: DataSourceConfig
  dispose(): Promise<void>
}

const suffix = () => randomBytes(5).toString('hex')

export async function createTarget(backend: LoopbackBackend): Promise<AdoptionTarget> {
  const name = `lb_${suffix()}`
  switch (backend) {
    case 'postgres': {
      const admin = new pg.Client({ connectionString: PG_URL })
      await admin.connect().catch((e) => {
        throw new Error(`PostgreSQL is required for these tests at ${PG_URL}: ${(e as Error).message}`)
      })
      await admin.query(`CREATE DATABASE ${name}`)
      const url = new URL(PG_URL)
      url.pathname = `/${name}`
      return {
        backend,
        loopbackSettings: { connector: require('loopback-connector-postgresql'), url: url.toString() },
        shipshapeConfig: { name: 'db', connector: 'postgresql', url: url.toString(), naming: 'loopback', max: 2 },
        async dispose() {
          // The connectors' pools close their sessions asynchronously: wait for them (bounded), so that
          // FORCE has no session left to terminate under a client that would report it.
          for (let i = 0; i < 50; i++) {
            const r = await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name])
            if (r.rows[0].n === 0) break
            await new Promise((resolve) => setTimeout(resolve, 100))
          }
          await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
          await admin.end()
        },
      }
    }
    case 'mysql': {
      const admin = await mysql.createConnection(MYSQL_URL).catch((e) => {
        throw new Error(`MariaDB/MySQL is required for these tests at ${MYSQL_URL}: ${(e as Error).message}`)
      })
      await admin.query(`CREATE DATABASE \`${name}\``)
      const url = new URL(MYSQL_URL)
      return {
        backend,
        loopbackSettings: {
          connector: require('loopback-connector-mysql'),
          host: url.hostname,
          port: Number(url.port || 3306),
          user: decodeURIComponent(url.username),
          password: decodeURIComponent(url.password),
          database: name,
        },
        shipshapeConfig: { name: 'db', connector: 'mysql', url: `${MYSQL_URL.replace(/\/$/, '')}/${name}`, naming: 'loopback', max: 2 },
        async dispose() {
          await admin.query(`DROP DATABASE IF EXISTS \`${name}\``)
          await admin.end()
        },
      }
    }
    case 'sqlite': {
      const dir = mkdtempSync(join(tmpdir(), 'shipshape-lb-'))
      const file = join(dir, `${name}.db`)
      return {
        backend,
        loopbackSettings: { connector: require('loopback-connector-sqlite3'), file },
        shipshapeConfig: { name: 'db', connector: 'sqlite', file, naming: 'loopback' },
        async dispose() {
          rmSync(dir, { recursive: true, force: true })
        },
      }
    }
  }
}

/** The tables' models of an app (value types such as a cart item have none). */
export const entityModels = (models: AppModel[]) => models.filter((m) => !m.isValueType)

/**
 * A LoopBack datasource with the app's models, defined as LoopBack 4's legacy-juggler-bridge
 * defines them: `array` + `itemType` becomes `[itemType]`, model-typed items resolve to the
 * juggler model, `hidden` properties go to the settings, relations stay in LoopBack 4.
 */
export function loopbackDataSource(target: AdoptionTarget, models: AppModel[]) {
  const ds = new juggler.DataSource({ ...target.loopbackSettings })
  const defined = new Map<string, any>()
  const typeOf = (t: unknown): unknown => (typeof t === 'string' && defined.has(t) ? defined.get(t) : t)
  for (const m of models) {
    const properties: Record<string, unknown> = {}
    const hidden: string[] = []
    for (const [name, def] of Object.entries(m.properties)) {
      const { itemType, hidden: isHidden, ...rest } = def
      const copy = structuredClone(rest)
      properties[name] = def.type === 'array' && itemType ? { ...copy, type: [typeOf(itemType)] } : { ...copy, type: typeOf(def.type) }
      if (isHidden) hidden.push(name)
    }
    // The connectors rewrite settings they read (index keys become arrays): LoopBack gets its own copy.
    const settings = { strict: true, ...structuredClone(m.settings ?? {}), ...(hidden.length ? { hidden } : {}) }
    defined.set(m.name, m.isValueType ? ds.modelBuilder.define(m.name, properties, settings) : ds.createModel(m.name, properties, settings))
  }
  return {
    ds,
    model: (name: string) => defined.get(name),
    /** LoopBack's `npm run migrate -- --rebuild`: drops and creates the tables. */
    automigrate: () => ds.automigrate(entityModels(models).map((m) => m.name)) as Promise<void>,
    // Bounded: a connector that never calls back must not hold the test's cleanup (the database is dropped after).
    disconnect: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5000)
        ds.disconnect(() => {
          clearTimeout(timer)
          resolve()
        })
      }),
  }
}

/** Shipshape on the same database, with the same definitions and `naming: 'loopback'` (and any `settings` more). */
export function shipshapeDataSource(target: AdoptionTarget, models: AppModel[], settings: Partial<DataSourceConfig> = {}) {
  const classes = new Map<string, ModelClass>()
  for (const m of models)
    classes.set(m.name, defineModel({ name: m.name, properties: m.properties, settings: m.settings ?? {}, relations: m.relations ?? {} }))
  const entities = entityModels(models).map((m) => classes.get(m.name)!)
  const ds = new DataSource({ ...target.shipshapeConfig, ...settings, models: entities })
  const repos = new Map<string, DefaultCrudRepository<any, any>>()
  return {
    ds,
    repository(name: string) {
      let r = repos.get(name)
      if (!r) repos.set(name, (r = new DefaultCrudRepository(classes.get(name)! as any, ds)))
      return r
    },
  }
}

/** A value as both tools should agree on it: dates as ISO text, model instances as plain JSON. */
export function plain(value: unknown): unknown {
  if (value === undefined || value === null) return null
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'object') return JSON.parse(JSON.stringify(value))
  return value
}

/** Every row of a model through LoopBack, each as {property: plain value}, sorted by id. */
export async function loopbackRows(lb: ReturnType<typeof loopbackDataSource>, m: AppModel): Promise<Record<string, unknown>[]> {
  const M = lb.model(m.name)
  const props = Object.keys(M.definition.properties)
  const found: any[] = await M.find()
  return sortRows(found.map((r) => Object.fromEntries(props.map((p) => [p, plain(r[p])]))))
}

/** Every row of a model through Shipshape's repository, as `loopbackRows` gives them. */
export async function shipshapeRows(ss: ReturnType<typeof shipshapeDataSource>, m: AppModel, props: string[]): Promise<Record<string, unknown>[]> {
  const found: any[] = await ss.repository(m.name).find()
  return sortRows(found.map((r) => Object.fromEntries(props.map((p) => [p, plain(r[p])]))))
}

export function sortRows(rows: Record<string, unknown>[]) {
  return rows.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))
}

export function describePlan(plan: { changes: Array<{ summary: string; statements: Array<{ sql: string }> }> }): string {
  return plan.changes.map((c) => `${c.summary}\n    ${c.statements.map((s) => s.sql).join('\n    ')}`).join('\n')
}
