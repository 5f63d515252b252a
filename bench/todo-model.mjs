// The model and rows both repository benchmarks (PostgreSQL, MySQL) work on.
import { defineModel } from '../dist/index.js'

export const BenchTodo = defineModel({
  name: 'BenchTodo',
  properties: {
    id: { type: 'number', id: true, generated: true },
    title: { type: 'string', required: true },
    desc: { type: 'string' },
    isComplete: { type: 'boolean', default: false },
    estimate: { type: 'number' },
    createdAt: { type: 'date', defaultFn: 'now' },
  },
})

export const benchRow = (i) => ({
  title: `todo ${i}`,
  desc: `description ${i}`,
  isComplete: i % 2 === 0,
  estimate: i % 100,
  createdAt: new Date(1_700_000_000_000 + i),
})

/** The columns, quoted with `q`, in declaration order (for the raw driver's SQL). */
export const benchColumns = (q) => ['id', 'title', 'desc', 'isComplete', 'estimate', 'createdAt'].map(q).join(', ')
