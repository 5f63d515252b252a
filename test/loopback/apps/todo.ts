import type { LoopbackApp } from './app.js'

/** loopback-next examples/todo: one model, a free-form `tag`, column settings per connector. */
export const todoApp: LoopbackApp = {
  name: 'todo',
  models: [
    {
      name: 'Todo',
      properties: {
        id: { type: 'number', id: true, generated: false },
        title: { type: 'string', required: true },
        desc: { type: 'string' },
        isComplete: { type: 'boolean' },
        remindAtAddress: { type: 'string' },
        remindAtGeo: { type: 'string', postgresql: { columnName: 'remind_at_geo' }, mysql: { columnName: 'remind_at_geo' } },
        tag: { type: 'any' },
      },
    },
  ],
  async seed(create, n) {
    await create('Todo', { id: 10 + n, title: `do a thing ${n}`, desc: 'with "quotes"', isComplete: false, tag: { priority: n, labels: ['a', 'b'] } })
    await create('Todo', { id: 20 + n, title: `another ${n}`, isComplete: true, remindAtAddress: '1 Main St', remindAtGeo: '40.7,-74.0', tag: 'plain' })
    await create('Todo', { id: 30 + n, title: `third ${n}` })
  },
}
