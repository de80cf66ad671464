package io.marketgate.app.durable;

import io.marketgate.persistence.dlq.DlqEntity;
import io.marketgate.persistence.quota.Ledger;
import io.marketgate.persistence.quota.QuotaEntity;
import io.marketgate.protocol.Dataset;
import io.marketgate.protocol.FetchKey;
import io.marketgate.protocol.ProviderError;
import io.marketgate.protocol.ProviderErrorCode;
import java.util.List;
import java.util.Map;

/**
 * What the journal fixture holds: the events and snapshots of a dead-letter entry's whole life and
 * of a provider quota, as the version that wrote {@code src/test/resources/journal/} persisted them
 * (the file was written by the version of 2026-12-03, commit 67bf86f, and reads back byte-identical
 * from the version after it). {@link JournalFixtureWriter} wrote the file from these values; {@link
 * JournalCompatibilityTest} reads it back with the current classes.
 */
final class JournalFixture {
  private JournalFixture() {}

  static final String FILE = "journal/v1-events.jsonl";
  static final String DLQ_QUOTE = "DeadLetter|fixturequote00000000";
  static final String DLQ_FUNDAMENTALS = "DeadLetter|fixturefunds00000000";
  static final String QUOTA = "ProviderQuota|fmp";

  static final FetchKey QUOTE_KEY = FetchKey.of(Dataset.QUOTE, "AAPL");
  static final FetchKey FUNDAMENTALS_KEY =
      FetchKey.of(
          Dataset.FUNDAMENTALS, "MSFT", Map.of("statement", "balance", "period", "quarterly"));
  static final List<ProviderError> ERRORS =
      List.of(
          new ProviderError("fmp", ProviderErrorCode.NETWORK_ERROR, "HTTP 503"),
          new ProviderError(
              "polygon", ProviderErrorCode.RATE_LIMIT, "request quota reached", true));

  /** A dead letter enqueued, folded, retried twice, escalated, replayed and then answered. */
  static final List<DlqEntity.Event> QUOTE_LIFE =
      List.of(
          new DlqEntity.Enqueued(QUOTE_KEY, ERRORS, 1_764_700_000_000L),
          new DlqEntity.FailureFolded(ERRORS.subList(0, 1), 1_764_700_000_500L),
          new DlqEntity.RetryFailed(ERRORS, 1_764_700_001_600L),
          new DlqEntity.RetryFailed(ERRORS.subList(1, 2), 1_764_700_003_700L),
          new DlqEntity.Escalated(1_764_700_003_700L),
          new DlqEntity.Replayed(1_764_700_060_000L),
          new DlqEntity.Succeeded(1_764_700_061_000L));

  /** A dead letter still pending after one failed retry. */
  static final List<DlqEntity.Event> FUNDAMENTALS_LIFE =
      List.of(
          new DlqEntity.Enqueued(FUNDAMENTALS_KEY, ERRORS, 1_764_700_100_000L),
          new DlqEntity.RetryFailed(ERRORS.subList(0, 1), 1_764_700_101_200L));

  static final List<QuotaEntity.Granted> GRANTS =
      List.of(
          new QuotaEntity.Granted(1_764_700_200_000L, 20),
          new QuotaEntity.Granted(1_764_700_205_000L, 15));

  /** A quota snapshot as its entity saves it. */
  static final QuotaEntity.State QUOTA_SNAPSHOT =
      new QuotaEntity.State(
          new Ledger(
              List.of(
                  new Ledger.Grant(1_764_700_200_000L, 20),
                  new Ledger.Grant(1_764_700_205_000L, 15))));
}
