package io.marketgate.persistence.db;

/**
 * The few statements that differ between PostgreSQL and H2: idempotent inserts and upserts that
 * keep the newer row. Everything else is plain SQL both accept.
 */
public enum SqlDialect {
  POSTGRES {
    @Override
    public String insertIgnoringDuplicates(
        String table, String columns, String placeholders, String keyColumn) {
      return "INSERT INTO "
          + table
          + " ("
          + columns
          + ") VALUES ("
          + placeholders
          + ") ON CONFLICT ("
          + keyColumn
          + ") DO NOTHING";
    }

    @Override
    public String upsertIfNewer(
        String table, String[] columns, String keyColumns, String versionColumn) {
      StringBuilder set = new StringBuilder();
      for (String c : columns) {
        if (keyColumns.contains(c)) continue;
        if (set.length() > 0) set.append(", ");
        set.append(c).append(" = EXCLUDED.").append(c);
      }
      return "INSERT INTO "
          + table
          + " ("
          + String.join(", ", columns)
          + ") VALUES ("
          + placeholders(columns.length)
          + ")"
          + " ON CONFLICT ("
          + keyColumns
          + ") DO UPDATE SET "
          + set
          + " WHERE "
          + table
          + "."
          + versionColumn
          + " < EXCLUDED."
          + versionColumn;
    }
  },
  H2 {
    @Override
    public String insertIgnoringDuplicates(
        String table, String columns, String placeholders, String keyColumn) {
      return "MERGE INTO "
          + table
          + " t USING (VALUES ("
          + placeholders
          + ")) AS s("
          + columns
          + ") ON t."
          + keyColumn
          + " = s."
          + keyColumn
          + " WHEN NOT MATCHED THEN INSERT ("
          + columns
          + ") VALUES ("
          + prefixed("s.", columns.split(",\\s*"))
          + ")";
    }

    @Override
    public String upsertIfNewer(
        String table, String[] columns, String keyColumns, String versionColumn) {
      StringBuilder on = new StringBuilder();
      for (String k : keyColumns.split(",\\s*")) {
        if (on.length() > 0) on.append(" AND ");
        on.append("t.").append(k).append(" = s.").append(k);
      }
      StringBuilder set = new StringBuilder();
      for (String c : columns) {
        if (keyColumns.contains(c)) continue;
        if (set.length() > 0) set.append(", ");
        set.append(c).append(" = s.").append(c);
      }
      return "MERGE INTO "
          + table
          + " t USING (VALUES ("
          + placeholders(columns.length)
          + ")) AS s("
          + String.join(", ", columns)
          + ")"
          + " ON "
          + on
          + " WHEN MATCHED AND t."
          + versionColumn
          + " < s."
          + versionColumn
          + " THEN UPDATE SET "
          + set
          + " WHEN NOT MATCHED THEN INSERT ("
          + String.join(", ", columns)
          + ") VALUES ("
          + prefixed("s.", columns)
          + ")";
    }
  };

  /** Inserts a row, or replaces every other column of the row with the same key, atomically. */
  public String upsert(String table, String[] columns, String keyColumn) {
    if (this == H2) {
      return "MERGE INTO "
          + table
          + " ("
          + String.join(", ", columns)
          + ") KEY ("
          + keyColumn
          + ") VALUES ("
          + placeholders(columns.length)
          + ")";
    }
    StringBuilder set = new StringBuilder();
    for (String c : columns) {
      if (c.equals(keyColumn)) continue;
      if (set.length() > 0) set.append(", ");
      set.append(c).append(" = EXCLUDED.").append(c);
    }
    return "INSERT INTO "
        + table
        + " ("
        + String.join(", ", columns)
        + ") VALUES ("
        + placeholders(columns.length)
        + ") ON CONFLICT ("
        + keyColumn
        + ") DO UPDATE SET "
        + set;
  }

  public static SqlDialect of(DatabaseSettings.Kind kind) {
    return kind == DatabaseSettings.Kind.POSTGRES ? POSTGRES : H2;
  }

  /** Inserts a row unless one with the same key exists (a retried batch never duplicates). */
  public abstract String insertIgnoringDuplicates(
      String table, String columns, String placeholders, String keyColumn);

  /** Inserts a row, or replaces the one with the same key when {@code versionColumn} grew. */
  public abstract String upsertIfNewer(
      String table, String[] columns, String keyColumns, String versionColumn);

  static String placeholders(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }

  private static String prefixed(String prefix, String[] columns) {
    StringBuilder sb = new StringBuilder();
    for (String c : columns) {
      if (sb.length() > 0) sb.append(", ");
      sb.append(prefix).append(c.trim());
    }
    return sb.toString();
  }
}
