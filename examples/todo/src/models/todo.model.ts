import { Entity, model, property } from 'shipshape'

/** A todo, as in LoopBack's Todo tutorial. */
@model()
export class Todo extends Entity {
  @property({ type: 'number', id: true, generated: true })
  id?: number

  @property({ type: 'string', required: true })
  title!: string

  @property({ type: 'string' })
  desc?: string

  @property({ type: 'boolean', default: false })
  isComplete?: boolean

  @property({ type: 'date', defaultFn: 'now' })
  createdAt?: Date

  constructor(data?: Partial<Todo>) {
    super(data)
  }
}
