import { afterEach, beforeEach } from 'vitest'
import { DataSource, type DataSourceConfig } from '../../src/index.js'
import type { Backend, TestScope } from './backends.js'

type ModelArg = NonNullable<DataSourceConfig['models']>[number]

/**
 * A fresh scope on `backend` for each test (handed to `onScope`), and a factory of
 * datasources on it that are all disconnected after the test:
 * `ds([A, B], {naming: 'snake_case'})` or `ds(A, B)`.
 */
export function useScope(backend: Backend, onScope: (scope: TestScope) => void) {
  let scope: TestScope
  const open: DataSource[] = []
  beforeEach(async () => {
    scope = await backend.create()
    onScope(scope)
  })
  afterEach(async () => {
    for (const d of open.splice(0)) await d.disconnect()
    await scope.dispose()
  })
  return (...args: [ModelArg[], Record<string, unknown>?] | ModelArg[]): DataSource => {
    const [models, extra] = Array.isArray(args[0]) ? (args as [ModelArg[], Record<string, unknown>?]) : [args as ModelArg[], {}]
    const d = new DataSource({ ...scope.config, ...(extra ?? {}), models })
    open.push(d)
    return d
  }
}
