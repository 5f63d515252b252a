import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Application, type ApplicationConfig, type SchemaMigrationOptions } from 'shipshape'
import { TodoRepository } from './repositories/todo.repository.js'
import { RestServer } from './server.js'

/**
 * The Todo application. `boot()` finds `datasources/`, `models/` and `repositories/` next to this
 * file; `migrateSchema()` brings the database in step with the models and makes sure a
 * `welcome` todo exists; `start()` starts the REST server.
 */
export class TodoListApplication extends Application {
  readonly restServer: RestServer

  constructor(options: ApplicationConfig & { rest?: { host?: string; port?: number } } = {}) {
    super({ projectRoot: dirname(fileURLToPath(import.meta.url)), ...options })
    this.restServer = new RestServer(this, {
      host: options.rest?.host ?? process.env.HOST ?? '127.0.0.1',
      port: options.rest?.port ?? Number(process.env.PORT ?? 3000),
    })
    this.lifeCycleObserver(this.restServer)
  }

  override async migrateSchema(options?: SchemaMigrationOptions) {
    await super.migrateSchema(options);
    if (options?.dryRun) return; // a dry run (npm run migrate -- --dry-run) writes nothing, seed included
    const todoRepo = await this.getRepository(TodoRepository);
    const found = await todoRepo.findOne({where: {title: 'welcome'}});
    if (found) await todoRepo.updateById(found.id, {isComplete: false});
    else await todoRepo.create({title: 'welcome', isComplete: false});
  }
}
