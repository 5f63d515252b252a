import express, { type Request } from 'express'
import type { DataObject, OpenApiDocument } from 'shipshape'
import { Todo } from '../models/todo.model.js'
import type { TodoRepository } from '../repositories/todo.repository.js'
import { queryObject } from './filter-query.js'
import { HttpError } from './http-error.js'
import { BodyValidator } from './request-body.js'

function idOf(req: Request): number {
  const id = Number(req.params.id)
  if (!Number.isSafeInteger(id)) throw new HttpError(400, `Invalid data ${JSON.stringify(req.params.id)} for parameter "id".`, 'INVALID_PARAMETER_VALUE')
  return id
}

/**
 * The routes of LoopBack 4's generated TodoController, with its status codes: POST /todos (200
 * with the created todo), GET /todos, GET /todos/count, PATCH /todos (`{count}`), and
 * GET/PATCH/PUT/DELETE /todos/{id} (204 for the writes).
 */
export function todoRoutes(todos: TodoRepository, document: OpenApiDocument): express.Router {
  const router = express.Router()
  const bodies = new BodyValidator(document)
  const model = Todo.definition
  const filter = (req: Request) => queryObject(req.query.filter, 'filter', model, 'filter')
  const where = (req: Request) => queryObject(req.query.where, 'where', model, 'where')

  router.post('/todos', async (req, res) => {
    res.json(await todos.create(bodies.body<DataObject<Todo>>(req, 'NewTodo')))
  })
  router.get('/todos/count', async (req, res) => {
    res.json(await todos.count(where(req)))
  })
  router.get('/todos', async (req, res) => {
    res.json(await todos.find(filter(req)))
  })
  router.patch('/todos', async (req, res) => {
    res.json(await todos.updateAll(bodies.body<DataObject<Todo>>(req, 'TodoPartial'), where(req)))
  })
  router.get('/todos/:id', async (req, res) => {
    const f = filter(req)
    if (f && 'where' in f) throw new HttpError(400, 'filter.where is not allowed here: the id selects the todo.', 'INVALID_PARAMETER_VALUE')
    res.json(await todos.findById(idOf(req), f))
  })
  router.patch('/todos/:id', async (req, res) => {
    await todos.updateById(idOf(req), bodies.body<DataObject<Todo>>(req, 'TodoPartial'))
    res.status(204).end()
  })
  router.put('/todos/:id', async (req, res) => {
    await todos.replaceById(idOf(req), bodies.body<DataObject<Todo>>(req, 'Todo'))
    res.status(204).end()
  })
  router.delete('/todos/:id', async (req, res) => {
    await todos.deleteById(idOf(req))
    res.status(204).end()
  })
  return router
}
