package io.marketgate.persistence.db;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings the schema up to date at start-up with Flyway: version 1 is pekko-persistence-jdbc's own
 * DDL ({@link PersistenceJdbcSchema}), later versions are Marketgate's tables ({@code
 * db/migration/postgres|h2}).
 */
public final class Migrations {
  private Migrations() {}

  public static MigrateResult migrate(DataSource dataSource, DatabaseSettings.Kind kind) {
    String location =
        kind == DatabaseSettings.Kind.POSTGRES
            ? "classpath:db/migration/postgres"
            : "classpath:db/migration/h2";
    return Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(dataSource)
        .locations(location)
        .javaMigrations(new PersistenceJdbcSchema(kind))
        .mixed(true)
        // CREATE INDEX CONCURRENTLY cannot run while Flyway holds its transactional lock.
        .configuration(java.util.Map.of("flyway.postgresql.transactional.lock", "false"))
        .load()
        .migrate();
  }
}
