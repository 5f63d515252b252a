/** Result of one statement, in the shape every driver can give. */
export interface QueryResult<R = Record<string, unknown>> {
  rows: R[]
  /** Rows changed by INSERT/UPDATE/DELETE. */
  rowCount: number
  /** Last inserted row id where the engine reports it (SQLite, MySQL). */
  insertId?: number | bigint
}

/**
 * One database session: what the schema engine and repositories need from a driver.
 * Parameters are bound, never interpolated; placeholders are the dialect's own
 * (`$1` on PostgreSQL, `?` on SQLite and MySQL).
 */
export interface Connection {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>
  /** Run a script of several statements without parameters (DDL batches). */
  exec(sql: string): Promise<void>
  /** Runs `fn` in a transaction on one session, committed on return and rolled back on throw. */
  transaction<T>(fn: (tx: Connection) => Promise<T>): Promise<T>
  /** Runs `fn` on one dedicated session (locks and DDL that must share a session). */
  session<T>(fn: (conn: Connection) => Promise<T>): Promise<T>
  close(): Promise<void>
  /**
   * True when statements outside a transaction may run on different server sessions (a
   * transaction pooler): session state (`SET` without `LOCAL`) would land on someone else's.
   */
  readonly isTransactionPooled?: boolean
}

/** Counts the statements sent through a connection; the benchmarks and tests read it. */
export class CountingConnection implements Connection {
  count = 0
  readonly statements: string[] = []
  constructor(
    readonly inner: Connection,
    private readonly keep = false,
    private readonly parent?: CountingConnection,
  ) {}
  private record(sql: string) {
    const root = this.parent ?? this
    root.count++
    if (root.keep) root.statements.push(sql)
  }
  async query<R>(sql: string, params?: readonly unknown[]) {
    this.record(sql)
    return this.inner.query<R>(sql, params)
  }
  async exec(sql: string) {
    this.record(sql)
    return this.inner.exec(sql)
  }
  transaction<T>(fn: (tx: Connection) => Promise<T>): Promise<T> {
    return this.inner.transaction((tx: Connection) => fn(new CountingConnection(tx, false, this.parent ?? this)))
  }
  session<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    return this.inner.session((c: Connection) => fn(new CountingConnection(c, false, this.parent ?? this)))
  }
  close() {
    return this.inner.close()
  }
}
