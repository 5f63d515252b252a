/**
 * Something the application starts and stops with it: a server, a scheduler, a queue consumer.
 * @example
 *   app.lifeCycleObserver({start: () => server.listen(3000), stop: () => server.close()})
 */
export interface LifeCycleObserver {
  start?(): unknown
  stop?(): unknown
}
