export interface LockOptions {
  /** How long to wait for another process's migration, in ms (default 60 s). */
  timeoutMs?: number
  /** Lease of a lock row (behind a transaction pooler, on a Galera cluster): how long a dead holder blocks others, in ms (default 30 s). */
  leaseMs?: number
  /** Lock only this schema (a tenant), not the whole database; absent: the database. */
  scope?: string
  /** Called once when another process holds the lock and this one starts waiting (where the lock is polled: not MySQL's GET_LOCK). */
  onWait?: () => void
}
