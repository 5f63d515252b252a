export * from './errors.js'
export { redact, redactError, redactValue, rememberSecret } from './redact.js'
export { MissingPackageError, OPTIONAL_PACKAGES, type OptionalPackage } from './optional-packages.js'
export type {
  PropertyType,
  PropertyDefinition,
  DialectPropertySettings,
  IndexDefinition,
  ForeignKeyDefinition,
  ModelSettings,
  ModelDefinition,
  RelationDefinition,
  RelationType,
} from './model/definition.js'
export { Entity, idPropertyNames, isModelClass, type ModelClass } from './model/entity.js'
export { model, property, type FieldDecorator, type ClassDecorator } from './model/decorators.js'
export { belongsTo, hasMany, hasOne, referencesMany, type TargetResolver } from './model/relation-decorators.js'
export { resolveRelation, relationsOf, type ResolvedRelation } from './model/relations.js'
export { defineModel } from './model/define-model.js'
export * from './schema/ir.js'
export * from './schema/changes.js'
export { diffDatabases, type Drift, type DiffOptions } from './schema/diff.js'
export { buildPlan, assessChange, summarize, type Plan, type PlannedChange, type Risk } from './schema/plan.js'
export { applyChanges } from './schema/apply.js'
export { schemaFromModels } from './schema/from-model.js'
export { normalizeDatabase } from './schema/normalize.js'
export type { NamingConvention } from './schema/naming.js'
export type { Dialect, Capabilities, Statement } from './dialects/dialect.js'
export { baseCapabilities } from './dialects/capabilities.js'
export { baseDdlEngine, type DdlEngine, type DdlLockTimeout, type SessionSchema } from './dialects/ddl-engine.js'
export { baseDmlAdapter, type DmlAdapter } from './dialects/dml-adapter.js'
export { registerDialect, getDialect, registeredDialects } from './dialects/registry.js'
export type { Connection, QueryResult } from './dialects/connection.js'
export { CountingConnection } from './dialects/connection.js'
export { postgresDialect } from './dialects/postgres/index.js'
export { sqliteDialect } from './dialects/sqlite/index.js'
export { mysqlDialect } from './dialects/mysql/index.js'
export { DataSource, definitionOf, type ModelRef } from './datasource/datasource.js'
export type { DataSourceConfig, ConnectorName } from './datasource/config.js'
export { registerConnector, getConnector, type Connector } from './datasource/connectors.js'
export type { MigrateOptions, MigrationResult } from './executor/migrator.js'
export { migrateDataSources, type SchemaMigrationOptions, type DataSourceMigrationReport } from './datasource/migrate-all.js'
export { migrateCli, runMigrate, type MigrateTarget } from './cli/migrate.js'
export type { ShipshapeConfig, MigratableApp } from './cli/config.js'
export { defineConfig } from './cli/config.js'
export { EXIT } from './cli/exit-codes.js'
// Versioned migrations
export { MigrationRunner, type MigrationRunnerOptions, type MigrationStatusEntry, type MigrationState, type MigrationRunResult } from './migrations/runner.js'
export type { MigrationContext } from './migrations/context.js'
export { listMigrationFiles, parseSqlMigration, loadMigration, type MigrationFile, type Migration } from './migrations/files.js'
export { migrationChecksum } from './migrations/checksum.js'
export { SqlMigrationStorage, HISTORY_TABLE, type MigrationStorage, type AppliedMigration } from './migrations/history.js'
export { MigrationFileError, MigrationChangedError } from './migrations/errors.js'
export { generateMigration, type GenerateOptions, type GenerateResult, type GeneratedFile } from './migrations/generate.js'
export { createMigration, type CreateMigrationOptions } from './migrations/create.js'
export { readSnapshot, writeSnapshot, type MigrationSnapshot } from './migrations/snapshot.js'
export { checkSchemaDrift, type SchemaDrift } from './migrations/drift.js'
export { applyPendingMigrations, type ApplyPendingOptions, type ApplyPendingResult } from './migrations/apply-pending.js'
export { pullModels, type PullOptions, type PullResult } from './migrations/pull.js'
// Repositories, transactions, the memory connector and the application.
export { DefaultCrudRepository, type DataObject, type Count } from './repository/repository.js'
export type { Filter, Where, Operators } from './repository/filter.js'
export type { Inclusion, InclusionFilter, InclusionResolver, Getter } from './repository/relations/include.js'
export type {
  HasManyRepository,
  HasManyRepositoryFactory,
  HasOneRepository,
  HasOneRepositoryFactory,
  BelongsToAccessor,
  ReferencesManyAccessor,
  RelatedRepository,
} from './repository/relations/accessors.js'
export { Transaction, type RepositoryOptions } from './datasource/transaction.js'
export { MemoryConnection, type RowStore } from './datasource/memory/index.js'
export type { ValueCodec, ValueConverter, MatchOperator, MatchSql } from './dialects/dialect.js'
export { Application, type ApplicationConfig, type RepositoryClass } from './application/application.js'
export type { LifeCycleObserver } from './application/lifecycle.js'
export type { BootOptions, ArtifactOptions } from './application/boot.js'
// LoopBack 4 application code: injection points, datasource configs, relations.
export { inject, repository, lifeCycleObserver, type Injection, type InjectionDecorator } from './application/inject.js'
export * as juggler from './application/juggler.js'
export { normalizeDataSourceConfig } from './datasource/config.js'
// OpenAPI 3 document from the models, as LoopBack 4 serves at /openapi.json.
export { openApiDocument, type OpenApiOptions, type OpenApiDocument } from './openapi/document.js'
export { modelJsonSchema, type ModelSchemaOptions, type SchemaObject } from './openapi/json-schema.js'
// Pictures: ER diagrams of the schema and an HTML report of a plan.
export { schemaDiagram, marksFromChanges, marksFromDrift, type SchemaDiagram, type DiagramTable, type DiagramColumn, type DiagramEdge, type Mark, type Marks } from './pictures/schema-diagram.js'
export { datasourceDiagram, type DatasourceDiagramOptions } from './pictures/datasource-diagram.js'
export { mermaidDiagram } from './pictures/mermaid.js'
export { svgDiagram } from './pictures/svg.js'
export { diagramPageHtml } from './pictures/diagram-page.js'
export { planReportHtml, type PlanReportSection } from './pictures/plan-report.js'
// Fleets: many tenant schemas, databases and files migrated in one run.
export { migrateFleet, type FleetOptions, type FleetProgressEvent } from './fleet/migrate-fleet.js'
export type { FleetReport, FleetTargetReport, FleetTotals, PlanGroup } from './fleet/report.js'
export { parseTargets, type FleetTarget } from './fleet/targets.js'
export { runFleet, type FleetFlags } from './cli/fleet.js'
// Zero-downtime expand → backfill → contract on PostgreSQL.
export { expand, contract, abortExpand, expandStatus, ExpandRefusedError, type ExpandOptions, type ExpandResult, type ContractResult, type ExpandTarget } from './expand/expand.js'
export type { ExpandPlan, ExpandStatus, ExpandPhase, ReshapedColumn, BackfillProgress } from './expand/expand-plan.js'
export type { PropertyExpandSettings } from './expand/plan-expand.js'
export type { BackfillReport } from './expand/backfill.js'
