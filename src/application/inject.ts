import { isDecoratorContext } from '../model/decorators.js'

/** What one injection point asks the application for. */
export interface Injection {
  /** A binding key (`'datasources.db'`, `'datasources.config.db'`, `'repositories.TodoRepository'`, or one bound with `app.bind`), or a repository class. */
  key: string | Function
  /** 'getter': a function returning a promise of the value (for repositories that refer to each other). */
  kind: 'value' | 'getter'
  /** Resolve to undefined instead of failing when nothing is bound (the parameter's default then applies). */
  isOptional?: boolean
}

interface Injections {
  /** Constructor parameters by position (legacy decorators only: TC39 has no parameter decorators). */
  params: Array<Injection | undefined>
  /** Properties set after construction. */
  properties: Record<string, Injection>
}

const INJECTIONS = Symbol.for('shipshape.injections')
type Holder = { [INJECTIONS]?: Injections }

function own(holder: object): Injections {
  const h = holder as Holder
  if (!Object.prototype.hasOwnProperty.call(h, INJECTIONS)) {
    const inherited = h[INJECTIONS]
    Object.defineProperty(h, INJECTIONS, {
      value: { params: [], properties: { ...inherited?.properties } },
      configurable: true,
      writable: true,
    })
  }
  return h[INJECTIONS]!
}

/**
 * A decorator for an injection point, under either decorator proposal: a constructor parameter
 * (legacy `experimentalDecorators`, as LoopBack 4 apps use), or a property (both).
 */
export interface InjectionDecorator {
  (target: object, propertyKey: string | symbol | undefined, parameterIndex?: number): void
  <This, V>(value: undefined, context: ClassFieldDecoratorContext<This, V>): void
}

function injectionDecorator(injection: Injection): InjectionDecorator {
  return function (target: unknown, key: unknown, index?: unknown): void {
    if (isDecoratorContext(key)) {
      if (key.kind !== 'field' || typeof key.name !== 'string' || !key.metadata)
        throw new Error(`Shipshape: an injection decorator goes on a constructor parameter or a named field`)
      own(key.metadata).properties[key.name] = injection
      return
    }
    if (typeof index === 'number') {
      // A constructor parameter: target is the class. (A method parameter has a key; not supported.)
      if (key !== undefined) throw new Error(`Shipshape: injection into method parameters is not supported; inject into the constructor`)
      own(target as object).params[index] = injection
      return
    }
    if (typeof key === 'string') own(target as object).properties[key] = injection
  } as InjectionDecorator
}

/**
 * LoopBack's `@inject(key)`: the constructor parameter or property receives what the application
 * has under `key`: `'datasources.<name>'`, `'repositories.<Name>'`, `'datasources.config.<name>'`
 * or any value bound with `app.bind(key).to(value)`.
 * @example
 *   constructor(@inject('datasources.db') dataSource: DbDataSource) { super(Todo, dataSource) }
 */
export function inject(key: string, options: { optional?: boolean } = {}): InjectionDecorator {
  return injectionDecorator({ key, kind: 'value', isOptional: !!options.optional })
}

/** `@inject.getter(key)`: a function returning a promise of the value. */
inject.getter = function (key: string, options: { optional?: boolean } = {}): InjectionDecorator {
  return injectionDecorator({ key, kind: 'getter', isOptional: !!options.optional })
}

/**
 * LoopBack's `@repository(TodoRepository)` (or `@repository('TodoRepository')`): the registered
 * repository instance. `@repository.getter(...)` gives a function returning a promise of it,
 * for repositories that refer to each other.
 */
export function repository(repositoryClassOrName: Function | string): InjectionDecorator {
  return injectionDecorator({ key: repositoryKey(repositoryClassOrName), kind: 'value' })
}

repository.getter = function (repositoryClassOrName: Function | string): InjectionDecorator {
  return injectionDecorator({ key: repositoryKey(repositoryClassOrName), kind: 'getter' })
}

function repositoryKey(r: Function | string): string | Function {
  return typeof r === 'string' ? (r.startsWith('repositories.') ? r : `repositories.${r}`) : r
}

/** LoopBack's `@lifeCycleObserver(group)` on a datasource or server class: accepted; the application stops datasources itself. */
export function lifeCycleObserver(_group?: string) {
  return function (_target: Function, _context?: unknown): void {}
}

/** The injection points of a class (constructor parameters, and properties from the class and its parents). */
export function injectionsOf(cls: Function): Injections {
  const params = Object.prototype.hasOwnProperty.call(cls, INJECTIONS) ? (cls as Holder)[INJECTIONS]!.params : []
  const metadata = (cls as { [Symbol.metadata]?: object })[(Symbol as { metadata?: symbol }).metadata as typeof Symbol.metadata]
  const properties = { ...(cls.prototype as Holder | undefined)?.[INJECTIONS]?.properties, ...(metadata as Holder | undefined)?.[INJECTIONS]?.properties }
  return { params, properties }
}
