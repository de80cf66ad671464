package io.marketgate.persistence.db;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * Version 1: the journal, tag, snapshot and durable-state tables, from the DDL that
 * pekko-persistence-jdbc ships in its jar. The PostgreSQL script names the {@code public} schema
 * and builds indexes {@code CONCURRENTLY}: the qualifier is dropped so the tables land in the
 * connection's schema, and the script runs outside a transaction.
 */
public final class PersistenceJdbcSchema implements JavaMigration {
  private final DatabaseSettings.Kind kind;

  public PersistenceJdbcSchema(DatabaseSettings.Kind kind) {
    this.kind = kind;
  }

  @Override
  public String getDescription() {
    return "pekko-persistence-jdbc schema";
  }

  @Override
  public MigrationVersion getVersion() {
    return MigrationVersion.fromVersion("1");
  }

  /** The shipped script is the contract: its checksum is not tracked. */
  @Override
  public Integer getChecksum() {
    return null;
  }

  @Override
  public boolean canExecuteInTransaction() {
    return false;
  }

  @Override
  public void migrate(Context context) throws Exception {
    String script =
        kind == DatabaseSettings.Kind.POSTGRES
            ? "schema/postgres/postgres-create-schema.sql"
            : "schema/h2/h2-create-schema.sql";
    String ddl = read(script);
    if (kind == DatabaseSettings.Kind.POSTGRES) ddl = ddl.replace("public.", "");
    else ddl = ddl.replace("PUBLIC.", "");
    try (Statement statement = context.getConnection().createStatement()) {
      for (String sql : ddl.split(";")) {
        if (!sql.isBlank()) statement.execute(sql);
      }
    }
  }

  private static String read(String resource) throws IOException {
    try (InputStream in =
        PersistenceJdbcSchema.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) throw new IOException("pekko-persistence-jdbc does not ship " + resource);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
