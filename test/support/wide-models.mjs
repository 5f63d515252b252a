import { defineModel } from '../../dist/index.js'

/** `count` models W1…Wn shaped like an application's: eight columns, an index, a foreign key to the one before. */
export function wideModels(count) {
  const models = []
  for (let i = 1; i <= count; i++)
    models.push(
      defineModel({
        name: `W${i}`,
        properties: {
          id: { type: 'number', id: true, generated: true },
          title: { type: 'string', length: 120, required: true },
          body: { type: 'string' },
          amount: { type: 'number', precision: 12, scale: 2 },
          active: { type: 'boolean', default: true },
          createdAt: { type: 'date', defaultFn: 'now' },
          tags: { type: 'object' },
          ...(i > 1 ? { prevId: { type: 'number' } } : {}),
        },
        settings: {
          indexes: { [`w${i}_title_idx`]: { keys: { title: 1 } } },
          ...(i > 1 ? { foreignKeys: { [`w${i}_prev_fk`]: { name: `w${i}_prev_fk`, entity: `W${i - 1}`, entityKey: 'id', foreignKey: 'prevId' } } } : {}),
        },
      }),
    )
  return models
}
