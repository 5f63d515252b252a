import { defineModel } from '../../dist/index.js'

/**
 * v1 → v2 is a multi-step plan: new columns, a type widening, indexes, a new table and a foreign key.
 * v2-noindex is v2 without the index on Account.email.
 */
export function faultModels(version) {
  const Account = defineModel({
    name: 'Account',
    properties: {
      id: { type: 'number', id: true, generated: true },
      name: { type: 'string', length: version === 'v1' ? 50 : 120, required: true },
      ...(version.startsWith('v2')
        ? {
            email: { type: 'string', length: 200 },
            active: { type: 'boolean', required: true, default: true },
            joinedAt: { type: 'date', defaultFn: 'now' },
          }
        : {}),
    },
    settings: version === 'v2' ? { indexes: { account_email_idx: { keys: { email: 1 } } } } : {},
  })
  if (version === 'v1') return [Account]
  const Invoice = defineModel({
    name: 'Invoice',
    properties: {
      id: { type: 'number', id: true, generated: true },
      accountId: { type: 'number', required: true },
      total: { type: 'number', precision: 12, scale: 2 },
    },
    settings: {
      indexes: { invoice_account_idx: { keys: { accountId: 1 } } },
      foreignKeys: { invoice_account_fk: { name: 'invoice_account_fk', entity: 'Account', entityKey: 'id', foreignKey: 'accountId' } },
    },
  })
  return [Account, Invoice]
}
