import { defineModel } from '../../dist/index.js'

/**
 * `count` models M1…Mn, each M(i) with a foreign key to M(i-1). Round 'create' is the plain
 * chain; round 'alter' adds a column `note` and an index on it to every model.
 */
export function chainModels(count, round) {
  const models = []
  for (let i = 1; i <= count; i++) {
    const name = `M${i}`
    const alter = round === 'alter'
    models.push(
      defineModel({
        name,
        properties: {
          id: { type: 'number', id: true, generated: true },
          title: { type: 'string', length: 80, required: true },
          ...(i > 1 ? { parentId: { type: 'number' } } : {}),
          ...(alter ? { note: { type: 'string', length: 100 } } : {}),
        },
        settings: {
          ...(alter ? { indexes: { [`m${i}_note_idx`]: { keys: { note: 1 } } } } : {}),
          ...(i > 1
            ? { foreignKeys: { [`m${i}_parent_fk`]: { name: `m${i}_parent_fk`, entity: `M${i - 1}`, entityKey: 'id', foreignKey: 'parentId' } } }
            : {}),
        },
      }),
    )
  }
  return models
}
