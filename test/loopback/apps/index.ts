import { accessControlApp } from './access-control-migration.js'
import { passportLoginApp } from './passport-login.js'
import { shoppingApp } from './shopping.js'
import { todoListApp } from './todo-list.js'
import { todoApp } from './todo.js'

export type { AppModel, Create, LoopbackApp } from './app.js'
/** The five public LoopBack 4 apps whose data layers the adoption tests replay. */
export const apps = [todoApp, todoListApp, shoppingApp, passportLoginApp, accessControlApp]
