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
