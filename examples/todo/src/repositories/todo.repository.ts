import { DefaultCrudRepository, type DataSource } from 'shipshape'
import { Todo } from '../models/todo.model.js'

/** Todos, stored in the `db` datasource. */
export class TodoRepository extends DefaultCrudRepository<Todo, typeof Todo.prototype.id> {
  static dataSourceName = 'db'
  constructor(dataSource: DataSource) {
    super(Todo, dataSource)
  }
}
