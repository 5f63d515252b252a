import {
  belongsTo,
  DefaultCrudRepository,
  Entity,
  hasMany,
  hasOne,
  model,
  property,
  referencesMany,
  type BelongsToAccessor,
  type DataSource,
  type Getter,
  type HasManyRepositoryFactory,
  type HasOneRepositoryFactory,
  type ReferencesManyAccessor,
} from '../../src/index.js'

// loopback-next's todo-list example, with TC39 decorators: a list has todos and one image;
// a todo belongs to a list and references tags.

@model()
export class Tag extends Entity {
  @property({ type: 'number', id: true, generated: true }) id?: number
  @property({ type: 'string', required: true }) name!: string
}

@model()
export class TodoListImage extends Entity {
  @property({ type: 'number', id: true, generated: true }) id?: number
  @property({ type: 'string', required: true }) value!: string
  @belongsTo(() => TodoList) todoListId?: number
}

@model()
export class Todo extends Entity {
  @property({ type: 'number', id: true, generated: true }) id?: number
  @property({ type: 'string', required: true }) title!: string
  @property({ type: 'boolean', default: false }) isComplete?: boolean
  @property({ type: 'string', hidden: true }) secret?: string
  @belongsTo(() => TodoList) todoListId?: number | null
  @referencesMany(() => Tag) tagIds?: number[]
  todoList?: TodoList
  tags?: Tag[]
}

@model()
export class TodoList extends Entity {
  @property({ type: 'number', id: true, generated: true }) id?: number
  @property({ type: 'string', required: true }) title!: string
  @property({ type: 'string' }) color?: string
  @hasMany(() => Todo) todos?: Todo[]
  @hasOne(() => TodoListImage) image?: TodoListImage
}

export class TagRepository extends DefaultCrudRepository<Tag, number> {
  constructor(ds: DataSource) {
    super(Tag, ds)
  }
}

export class TodoListImageRepository extends DefaultCrudRepository<TodoListImage, number> {
  constructor(ds: DataSource) {
    super(TodoListImage, ds)
  }
}

/** As LoopBack's TodoRepository: accessors made from getters, their resolvers registered. */
export class TodoRepository extends DefaultCrudRepository<Todo, number, { todoList?: TodoList; tags?: Tag[] }> {
  readonly todoList: BelongsToAccessor<TodoList, number>
  readonly tags: ReferencesManyAccessor<Tag, number>
  constructor(ds: DataSource, listRepository: Getter<TodoListRepository>, tagRepository: Getter<TagRepository>) {
    super(Todo, ds)
    this.todoList = this.createBelongsToAccessorFor('todoList', listRepository)
    this.registerInclusionResolver('todoList', this.todoList.inclusionResolver)
    this.tags = this.createReferencesManyAccessorFor('tags', tagRepository)
    this.registerInclusionResolver('tags', this.tags.inclusionResolver)
  }
}

export class TodoListRepository extends DefaultCrudRepository<TodoList, number, { todos?: Todo[]; image?: TodoListImage }> {
  readonly todos: HasManyRepositoryFactory<Todo, number>
  readonly image: HasOneRepositoryFactory<TodoListImage, number>
  constructor(ds: DataSource, todoRepository: Getter<TodoRepository>) {
    super(TodoList, ds)
    this.todos = this.createHasManyRepositoryFactoryFor('todos', todoRepository)
    this.registerInclusionResolver('todos', this.todos.inclusionResolver)
    // No getter: the image repository on the same datasource is found (or made).
    this.image = this.createHasOneRepositoryFactoryFor('image')
    this.registerInclusionResolver('image', this.image.inclusionResolver)
  }
}
