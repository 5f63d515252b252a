import type { LoopbackApp } from './app.js'

/**
 * loopback-next examples/access-control-migration: projects with a fractional balance and a
 * declared foreign key, teams with a number array, a unique email, and an audit model that
 * declares no id (the juggler adds one).
 */
export const accessControlApp: LoopbackApp = {
  name: 'access-control-migration',
  models: [
    {
      name: 'User',
      properties: {
        id: { type: 'number', id: true, generated: true },
        username: { type: 'string', required: true },
        email: { type: 'string', required: true, index: { unique: true } },
        emailVerified: { type: 'boolean' },
        realm: { type: 'string' },
        password: { type: 'string', hidden: true },
      },
    },
    {
      name: 'Project',
      properties: {
        id: { type: 'number', id: true, generated: true },
        name: { type: 'string', required: true },
        balance: { type: 'number', postgresql: { dataType: 'real' }, mysql: { dataType: 'float' } },
        // LoopBack's PostgreSQL connector quotes a declared foreign key's property name as the
        // column, so the app pins a column of that exact name there.
        ownerId: { type: 'number', postgresql: { columnName: 'ownerId' } },
      },
      settings: {
        foreignKeys: {
          fk_project_ownerId: { name: 'fk_project_ownerId', entity: 'User', entityKey: 'id', foreignKey: 'ownerId' },
        },
      },
      relations: { owner: { type: 'belongsTo', target: 'User', keyFrom: 'ownerId' } },
    },
    {
      name: 'Team',
      properties: {
        id: { type: 'number', id: true, generated: true },
        ownerId: { type: 'number' },
        memberIds: { type: 'array', itemType: 'number' },
      },
      settings: { indexes: { team_owner_idx: { keys: { ownerId: 1 } } } },
    },
    {
      name: 'AuditEntry',
      properties: {
        action: { type: 'string', required: true },
        at: { type: 'date' },
        userId: { type: 'number' },
      },
    },
  ],
  async seed(create, n) {
    const owner = await create('User', { username: `owner${n}`, email: `owner${n}@example.com`, emailVerified: true, realm: 'acl', password: 'pw' })
    const member = await create('User', { username: `member${n}`, email: `member${n}@example.com` })
    await create('Project', { name: `project-${n}`, balance: 100.5, ownerId: owner.id })
    await create('Project', { name: 'negative', balance: -0.25, ownerId: member.id })
    await create('Team', { ownerId: owner.id, memberIds: [owner.id, member.id] })
    await create('AuditEntry', { action: 'donate', at: new Date(Date.UTC(2023, 11, 31, 23, 59, 59, 999)), userId: owner.id })
  },
}
