// The change bench/expand.mjs makes: a rename and a type change, both of which break the
// running version (v1) when applied in one step.
import { defineModel } from '../dist/index.js'

const id = { type: 'number', id: true, generated: true }
export const models = {
  v1: defineModel({ name: 'Big', properties: { id, name: { type: 'string', required: true }, age: { type: 'string' }, payload: { type: 'string' } } }),
  v2: defineModel({
    name: 'Big',
    properties: { id, fullName: { type: 'string', required: true, renamedFrom: 'name' }, age: { type: 'number', postgresql: { dataType: 'integer' } }, payload: { type: 'string' } },
  }),
}
export const rows = {
  v1: (i) => ({ name: `v1-${i}`, age: String(i % 97), payload: 'v1' }),
  v2: (i) => ({ fullName: `v2-${i}`, age: i % 89, payload: 'v2' }),
}
