import type { LoopbackApp } from './app.js'

/** loopback4-example-passport-login: a hidden password, JSON profiles, dates and a boolean. */
export const passportLoginApp: LoopbackApp = {
  name: 'passport-login',
  models: [
    {
      name: 'User',
      properties: {
        id: { type: 'string', id: true, generated: false, defaultFn: 'uuidv4' },
        name: { type: 'string' },
        username: { type: 'string', required: true },
        email: { type: 'string', required: true },
        emailVerified: { type: 'boolean' },
      },
      relations: {
        profiles: { type: 'hasMany', target: 'UserIdentity', keyTo: 'userId' },
        credentials: { type: 'hasOne', target: 'UserCredentials', keyTo: 'userId' },
      },
    },
    {
      name: 'UserCredentials',
      properties: {
        id: { type: 'string', id: true, generated: false, defaultFn: 'uuidv4' },
        password: { type: 'string', required: true, hidden: true },
        userId: { type: 'string', required: true },
      },
    },
    {
      name: 'UserIdentity',
      properties: {
        id: { type: 'string', id: true, generated: false },
        provider: { type: 'string', required: true },
        authScheme: { type: 'string' },
        profile: { type: 'object', required: true },
        credentials: { type: 'object' },
        userId: { type: 'string', required: true },
        created: { type: 'date' },
        modified: { type: 'date' },
      },
      relations: { user: { type: 'belongsTo', target: 'User', keyFrom: 'userId' } },
    },
  ],
  async seed(create, n) {
    const user = await create('User', { name: 'Bob', username: `bob${n}`, email: `bob${n}@example.com`, emailVerified: true })
    await create('UserCredentials', { password: `secret-${n}`, userId: user.id })
    await create('UserIdentity', {
      id: `github-${n}`,
      provider: 'github',
      authScheme: 'oauth2',
      profile: { displayName: 'Bob', emails: [{ value: `bob${n}@example.com` }] },
      credentials: { accessToken: 'x'.repeat(20) },
      userId: user.id,
      created: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)),
      modified: new Date(Date.UTC(2024, 5, 6, 7, 8, 9, 10 + n)),
    })
    await create('User', { username: `eve${n}`, email: `eve${n}@example.com`, emailVerified: false })
  },
}
