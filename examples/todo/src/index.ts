import { pathToFileURL } from 'node:url'
import { TodoListApplication } from './application.js'

export { TodoListApplication }

/** boot → migrateSchema (auto-update + seed) → start; returns the running application. */
export async function main(): Promise<TodoListApplication> {
  const app = new TodoListApplication()
  await app.boot()
  await app.migrateSchema()
  await app.start()
  console.log(`Server is running at ${app.restServer.url}`)
  const shutdown = () => {
    app.stop().then(
      () => process.exit(0),
      (err) => {
        console.error(err)
        process.exit(1)
      },
    )
  }
  process.once('SIGINT', shutdown)
  process.once('SIGTERM', shutdown)
  return app
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error('Cannot start the application.', err)
    process.exit(1)
  })
}
