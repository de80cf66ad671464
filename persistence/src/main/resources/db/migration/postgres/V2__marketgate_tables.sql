-- Marketgate's own tables (version 1 is pekko-persistence-jdbc's journal and snapshot schema).

-- Append-only audit trail; id is produced with the row so a retried batch never duplicates.
CREATE TABLE audit_log (
  id            UUID PRIMARY KEY,
  at            TIMESTAMP WITH TIME ZONE NOT NULL,
  action        VARCHAR(64)  NOT NULL,
  provider      VARCHAR(32),
  endpoint      VARCHAR(128),
  subject       VARCHAR(256),
  outcome       VARCHAR(64),
  latency_ms    BIGINT,
  client        VARCHAR(128),
  rights_profile VARCHAR(32),
  allowed       BOOLEAN,
  detail        VARCHAR(2000)
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
CREATE INDEX audit_log_action_at_idx ON audit_log (action, at DESC);

-- The last good value of every (dataset, symbol, parameters), served stale when nothing better is known.
CREATE TABLE last_good (
  dataset     VARCHAR(32)  NOT NULL,
  symbol      VARCHAR(64)  NOT NULL,
  params      VARCHAR(512) NOT NULL,
  data        BYTEA        NOT NULL,
  source      VARCHAR(32)  NOT NULL,
  fallback    BOOLEAN      NOT NULL,
  fetched_at  BIGINT       NOT NULL,
  confidence  DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (dataset, symbol, params)
);

-- Read model of the dead-letter entries (the journal is the source of truth).
CREATE TABLE dlq_entries (
  entry_id      VARCHAR(32)  PRIMARY KEY,
  dataset       VARCHAR(32)  NOT NULL,
  symbol        VARCHAR(64)  NOT NULL,
  params        VARCHAR(512) NOT NULL,
  status        VARCHAR(16)  NOT NULL,
  attempts      INTEGER      NOT NULL,
  last_errors   VARCHAR(2000),
  created_at    BIGINT       NOT NULL,
  updated_at    BIGINT       NOT NULL,
  next_retry_at BIGINT,
  seq_nr        BIGINT       NOT NULL
);
CREATE INDEX dlq_entries_status_idx ON dlq_entries (status, updated_at DESC);
