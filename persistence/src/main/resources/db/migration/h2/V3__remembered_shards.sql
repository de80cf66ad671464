-- Settings the cluster's durable data depends on, e.g. the number of shards the remembered
-- entities of the dead-letter queue were stored under.
CREATE TABLE cluster_settings (
  setting_name   VARCHAR(64)  PRIMARY KEY,
  setting_value  VARCHAR(256) NOT NULL
);

-- Dead-letter entries to wake once at the next start, written by the shard-count migration after
-- it removed their remembered-entity records.
CREATE TABLE dlq_resume (
  entry_id  VARCHAR(64) PRIMARY KEY
);

-- Every running node writes its address here every few seconds (and removes it when it stops), so
-- that one-off commands that need the whole cluster stopped can tell it is.
CREATE TABLE node_heartbeats (
  node     VARCHAR(255) PRIMARY KEY,
  seen_at  BIGINT       NOT NULL
);
