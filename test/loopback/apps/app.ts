import type { ModelSettings, PropertyDefinition, RelationDefinition } from '../../../src/index.js'

/** One model as a LoopBack 4 app declares it (`@model`/`@property` produce this shape). */
export interface AppModel {
  name: string
  properties: Record<string, PropertyDefinition>
  settings?: ModelSettings
  relations?: Record<string, RelationDefinition>
  /** A LoopBack `Model` (embedded value type, e.g. a cart item): no table of its own. */
  isValueType?: boolean
}

/** Writes a row through one tool and gives back what it stored (ids included). */
export type Create = (model: string, data: Record<string, unknown>) => Promise<Record<string, unknown>>

/** A public LoopBack 4 app's data layer: its models and rows as the app would write them. */
export interface LoopbackApp {
  name: string
  models: AppModel[]
  /** Fills the tables; `n` varies the values so two runs write different rows. */
  seed(create: Create, n: number): Promise<void>
}
