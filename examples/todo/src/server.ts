import type { Server } from 'node:http'
import express, { type NextFunction, type Request, type Response } from 'express'
import type { Application, LifeCycleObserver } from 'shipshape'
import { TodoRepository } from './repositories/todo.repository.js'

/** Shipshape error codes that mean "the request is wrong" rather than "the server failed". */
const BAD_REQUEST = new Set(['VALIDATION_FAILED', 'INVALID_FILTER', 'UNKNOWN_PROPERTY', 'INVALID_DATA', 'INVALID_ID'])

class HttpError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message)
  }
}

function parseFilter(raw: unknown): object | undefined {
  if (raw === undefined) return undefined
  if (typeof raw !== 'string') throw new HttpError(400, 'filter must be a JSON object, e.g. ?filter={"where":{"isComplete":false}}')
  try {
    const f = JSON.parse(raw)
    if (f && typeof f === 'object' && !Array.isArray(f)) return f
  } catch {
    // reported below
  }
  throw new HttpError(400, `filter is not a JSON object: ${raw.slice(0, 100)}`)
}

function idOf(req: Request): number {
  const id = Number(req.params.id)
  if (!Number.isSafeInteger(id)) throw new HttpError(400, `id must be an integer, got ${JSON.stringify(req.params.id)}`)
  return id
}

/** The REST API over the todo repository: GET/POST /todos, GET/PATCH/DELETE /todos/:id. */
export function todoRoutes(todos: TodoRepository): express.Router {
  const router = express.Router()
  router.get('/todos', async (req, res) => {
    res.json(await todos.find(parseFilter(req.query.filter)))
  })
  router.get('/todos/count', async (req, res) => {
    const where = parseFilter(req.query.where)
    res.json(await todos.count(where))
  })
  router.post('/todos', async (req, res) => {
    res.status(201).json(await todos.create(req.body))
  })
  router.get('/todos/:id', async (req, res) => {
    res.json(await todos.findById(idOf(req), parseFilter(req.query.filter)))
  })
  router.patch('/todos/:id', async (req, res) => {
    await todos.updateById(idOf(req), req.body ?? {})
    res.status(204).end()
  })
  router.delete('/todos/:id', async (req, res) => {
    await todos.deleteById(idOf(req))
    res.status(204).end()
  })
  return router
}

/** Errors as JSON, LoopBack style: `{error: {statusCode, name, message, code}}`. */
function errorHandler(err: unknown, _req: Request, res: Response, _next: NextFunction) {
  const e = err as Error & { code?: string; status?: number; statusCode?: number; type?: string }
  let status = e.statusCode ?? e.status ?? 500
  if (e.code === 'ENTITY_NOT_FOUND') status = 404
  else if (e.code && BAD_REQUEST.has(e.code)) status = 400
  if (status >= 500) console.error(err)
  res.status(status).json({
    error: {
      statusCode: status,
      name: status === 404 ? 'NotFoundError' : status < 500 ? 'BadRequestError' : 'InternalServerError',
      message: status >= 500 ? 'Internal Server Error' : e.message,
      ...(e.code ? { code: e.code } : {}),
    },
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
    web.disable('x-powered-by')
    web.use(express.json())
    web.use(todoRoutes(todos))
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
