import { defineModel, type ModelClass } from '../../src/index.js'

/** Eleven writable columns of every property type, plus a generated id. */
export interface Item {
  id?: number
  title: string
  desc?: string | null
  isComplete?: boolean
  estimate?: number | null
  createdAt?: Date
  due?: Date | null
  meta?: Record<string, unknown> | null
  tags?: string[] | null
  blob?: Buffer | null
  price?: number | null
  rank?: number | null
}

export function itemModel(name = 'Item'): ModelClass<Item & import('../../src/index.js').Entity> {
  return defineModel<Item>({
    name,
    properties: {
      id: { type: 'number', id: true, generated: true },
      title: { type: 'string', required: true },
      desc: { type: 'string' },
      isComplete: { type: 'boolean', default: false },
      estimate: { type: 'number' },
      createdAt: { type: 'date', defaultFn: 'now' },
      due: { type: 'date' },
      meta: { type: 'object' },
      tags: { type: 'array' },
      blob: { type: 'buffer' },
      price: { type: 'number', precision: 10, scale: 2 },
      rank: { type: 'number', dataType: 'bigint' },
    },
  })
}

/** A model with a database-generated string (uuid) id. */
export function noteModel() {
  return defineModel<{ id?: string; body: string }>({
    name: 'Note',
    properties: { id: { type: 'string', id: true, generated: true }, body: { type: 'string', required: true } },
  })
}
