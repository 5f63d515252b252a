// For `npx shipshape migration …` in this folder: the application (built with `npm run build`)
// with its versioned migrations in ./migrations (SQLite by default; see docs/migrations.md).
import { TodoListApplication } from './dist/application.js'

export default {
  app: () => new TodoListApplication({ migrations: '../migrations' }),
  migrations: 'migrations',
}
