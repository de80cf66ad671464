-- What pipelines store from provider streams. A row is named by its storage key, so a replay
-- inserts nothing (INSERT ... ON CONFLICT DO NOTHING) while two distinct ticks of one
-- millisecond differ by their sequence number (Polygon's q; for IBKR a digest of its fields).
-- Not partitioned: the primary key already leads with (source, symbol) and orders by time, which
-- is what reads of a range use; range partitions by day pay off once retention drops old days,
-- which nothing here does yet (docs/ARCHITECTURE.md, "Stream tables").
CREATE TABLE stream_quotes (
  source    VARCHAR(32)  NOT NULL,
  symbol    VARCHAR(32)  NOT NULL,
  ts        TIMESTAMP WITH TIME ZONE NOT NULL,
  seq       BIGINT       NOT NULL,
  bid       NUMERIC(18, 6),
  ask       NUMERIC(18, 6),
  last      NUMERIC(18, 6),
  bid_size  BIGINT,
  ask_size  BIGINT,
  PRIMARY KEY (source, symbol, ts, seq)
);

CREATE TABLE stream_trades (
  source    VARCHAR(32)  NOT NULL,
  symbol    VARCHAR(32)  NOT NULL,
  ts        TIMESTAMP WITH TIME ZONE NOT NULL,
  seq       BIGINT       NOT NULL,
  price     NUMERIC(18, 6) NOT NULL,
  size      BIGINT       NOT NULL,
  PRIMARY KEY (source, symbol, ts, seq)
);

CREATE TABLE stream_bars (
  source      VARCHAR(32)  NOT NULL,
  symbol      VARCHAR(32)  NOT NULL,
  resolution  VARCHAR(8)   NOT NULL,
  ts          TIMESTAMP WITH TIME ZONE NOT NULL,
  open        NUMERIC(18, 6) NOT NULL,
  high        NUMERIC(18, 6) NOT NULL,
  low         NUMERIC(18, 6) NOT NULL,
  close       NUMERIC(18, 6) NOT NULL,
  volume      BIGINT       NOT NULL,
  PRIMARY KEY (source, symbol, resolution, ts)
);

-- Batches the database refused (a value or constraint it rejects), kept to be replayed.
CREATE TABLE stream_dead_letters (
  id          BIGINT AUTO_INCREMENT PRIMARY KEY,
  pipeline    VARCHAR(128) NOT NULL,
  kind        VARCHAR(16)  NOT NULL,
  rows_json   CLOB         NOT NULL,
  row_count   INTEGER      NOT NULL,
  reason      VARCHAR(2000) NOT NULL,
  created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  replayed_at TIMESTAMP WITH TIME ZONE
);
CREATE INDEX stream_dead_letters_pending_idx ON stream_dead_letters (pipeline, replayed_at);
