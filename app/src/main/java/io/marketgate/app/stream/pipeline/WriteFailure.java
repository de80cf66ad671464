package io.marketgate.app.stream.pipeline;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.concurrent.CompletionException;

/** What a failed batch write means for the batch: wait and retry, retry a few times, or keep it. */
enum WriteFailure {
  /** The database refused the rows (a value or a constraint, SQLState classes 22 and 23). */
  REJECTED,
  /** The database is away or busy: retried without limit, the stream waits meanwhile. */
  TRANSIENT,
  /** Anything else: retried up to the attempts allowed, then kept as a dead letter. */
  OTHER;

  static WriteFailure of(Throwable failure) {
    Throwable t = failure;
    while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SQLTransientException || c instanceof SQLRecoverableException)
        return TRANSIENT;
      if (c instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.startsWith("22") || state.startsWith("23")) return REJECTED;
        // Connection (08), transaction rollback (40), resources (53), operator intervention (57).
        if (state.startsWith("08")
            || state.startsWith("40")
            || state.startsWith("53")
            || state.startsWith("57")) return TRANSIENT;
      }
      if (c instanceof java.io.IOException) return TRANSIENT;
    }
    return OTHER;
  }
}
