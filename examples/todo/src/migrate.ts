// npm run migrate               → auto-update the database, then seed the welcome todo
// npm run migrate -- --rebuild  → drop and re-create the tables (data lost), then seed; asks first
//                                  on a terminal, and needs --yes where no one can answer (CI)
import { migrateCli } from 'shipshape'
import { TodoListApplication } from './application.js'
process.exitCode = await migrateCli({ app: new TodoListApplication() })
