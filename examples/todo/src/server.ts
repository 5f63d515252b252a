import type { Server } from 'node:http'
import express, { type Request } from 'express'
import qs from 'qs'
import { openApiDocument, type Application, type LifeCycleObserver, type OpenApiDocument } from 'shipshape'
import { Todo } from './models/todo.model.js'
import { TodoRepository } from './repositories/todo.repository.js'
import { errorHandler } from './rest/error-handler.js'
import { HttpError } from './rest/http-error.js'
import { todoRoutes } from './rest/todo-routes.js'

/** The OpenAPI 3 document served at /openapi.json, generated from the models as LoopBack 4 does. */
export function todoOpenApi(): OpenApiDocument {
  return openApiDocument({
    info: { title: 'shipshape-todo-example', version: '0.1.0' },
    models: [Todo],
    crud: [{ model: Todo, basePath: '/todos' }],
  })
}

/** The HTTP server as a lifecycle observer: listens on `start()`, closes on `stop()`. */
export class RestServer implements LifeCycleObserver {
  private server?: Server
  url?: string

  constructor(
    private readonly app: Application,
    readonly config: { host: string; port: number },
  ) {}

  async start() {
    const todos = await this.app.getRepository(TodoRepository)
    const web = express()
    const document = todoOpenApi()
    web.disable('x-powered-by')
    // `?filter[where][title]=welcome` as LoopBack 4 reads it (qs, nested objects).
    web.set('query parser', (query: string) => qs.parse(query, { depth: 10, arrayLimit: 100 }))
    web.use(express.json({ strict: false }))
    web.get('/openapi.json', (_req, res) => {
      res.json(document)
    })
    web.use(todoRoutes(todos, document))
    web.use((req: Request) => {
      throw new HttpError(404, `Cannot ${req.method} ${req.path}`)
    })
    web.use(errorHandler)
    await new Promise<void>((resolve, reject) => {
      const server = web.listen(this.config.port, this.config.host, (err?: Error) => (err ? reject(err) : resolve()))
      server.once('error', reject)
      this.server = server
    })
    const address = this.server!.address()
    const port = typeof address === 'object' && address ? address.port : this.config.port
    this.url = `http://${this.config.host}:${port}`
  }

  async stop() {
    const server = this.server
    this.server = undefined
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
