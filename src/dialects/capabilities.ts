/** What an engine can do for DDL. Shared code asks these, never the dialect's name. */
export interface Capabilities {
  /** DDL is transactional: a plan can be one transaction (PostgreSQL, SQLite). */
  supportsTransactionalDdl: boolean
  /** Constraints (primary and foreign keys) can be added and dropped with ALTER TABLE. */
  supportsAlterConstraints: boolean
  /** Indexes can be built without blocking writes (CREATE INDEX CONCURRENTLY). */
  supportsConcurrentIndex: boolean
  /** Tables live in named schemas (PostgreSQL) or databases (MySQL). */
  supportsSchemas: boolean
  /** Longest identifier the engine keeps without truncating. */
  maxIdentifierLength: number
  /** Where index names must be unique. */
  indexNameScope: 'schema' | 'table'
  /** Where foreign-key names must be unique: across the schema (InnoDB: per database) or only within their table (PostgreSQL, SQLite). */
  foreignKeyNameScope: 'schema' | 'table'
  /** LoopBack's naming lower-cases names on this engine (PostgreSQL, SQLite; not MySQL). */
  lowercasesLoopbackNames: boolean
  /** Strings without a declared length get VARCHAR(n) rather than TEXT (MySQL's 512); undefined: TEXT. */
  defaultStringLength: number | undefined
  /**
   * A column keeps whatever it is given, whatever its declared type and length (SQLite), so the
   * conversion checks also ask what an enforcing engine could never hold (schema/conversions.ts).
   */
  ignoresColumnTypes: boolean
  /**
   * RESTRICT and NO ACTION are one action (InnoDB checks both at once and reports an unspecified
   * action as RESTRICT: https://dev.mysql.com/doc/refman/8.0/en/create-table-foreign-keys.html#foreign-key-referential-actions).
   */
  treatsRestrictAsNoAction: boolean
  /** A column a foreign key uses can't change type while the key exists (InnoDB): plans drop and re-add the key around it. */
  pinsForeignKeyColumnTypes: boolean
  /** `fingerprintSchemas` hashes many schemas in one query, so a fleet can skip tenants already up to date. */
  supportsSchemaFingerprints: boolean
}

/** What most engines answer; a dialect spreads this and states its own differences. */
export const baseCapabilities = {
  defaultStringLength: undefined,
  ignoresColumnTypes: false,
  treatsRestrictAsNoAction: false,
  pinsForeignKeyColumnTypes: false,
  supportsSchemaFingerprints: false,
} satisfies Partial<Capabilities>
