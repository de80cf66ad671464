package io.marketgate.app.durable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

/**
 * Writes the journal fixture ({@link JournalFixture}) as the running version serializes it: one
 * JSON line per journal or snapshot row (persistence id, sequence number, serializer id, manifest,
 * payload). Run it only to record a new format on purpose; the committed file is the old format
 * that every later version must still read.
 *
 * <p>{@code java -cp <app test classpath> io.marketgate.app.durable.JournalFixtureWriter
 * app/src/test/resources/journal/v1-events.jsonl}
 */
public final class JournalFixtureWriter {
  private JournalFixtureWriter() {}

  public static void main(String[] args) throws Exception {
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "fixture",
            ConfigFactory.parseString("pekko.actor.provider = local")
                .withFallback(ConfigFactory.load()));
    try {
      Serialization serialization = SerializationExtension.get(system);
      List<String> lines = new ArrayList<>();
      ObjectMapper json = new ObjectMapper();
      long seq = 0;
      for (Object e : JournalFixture.QUOTE_LIFE)
        lines.add(
            json.writeValueAsString(
                row(serialization, "event", JournalFixture.DLQ_QUOTE, ++seq, e)));
      seq = 0;
      for (Object e : JournalFixture.FUNDAMENTALS_LIFE)
        lines.add(
            json.writeValueAsString(
                row(serialization, "event", JournalFixture.DLQ_FUNDAMENTALS, ++seq, e)));
      seq = 0;
      for (Object e : JournalFixture.GRANTS)
        lines.add(
            json.writeValueAsString(row(serialization, "event", JournalFixture.QUOTA, ++seq, e)));
      lines.add(
          json.writeValueAsString(
              row(
                  serialization,
                  "snapshot",
                  JournalFixture.QUOTA,
                  seq,
                  JournalFixture.QUOTA_SNAPSHOT)));
      Files.write(Path.of(args[0]), lines);
    } finally {
      system.terminate();
    }
  }

  private static Map<String, Object> row(
      Serialization serialization, String kind, String pid, long seq, Object value) {
    Serializer serializer = serialization.findSerializerFor(value);
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("kind", kind);
    row.put("persistence_id", pid);
    row.put("sequence_number", seq);
    row.put("serializer_id", serializer.identifier());
    row.put("manifest", Serializers.manifestFor(serializer, value));
    row.put("payload", Base64.getEncoder().encodeToString(serialization.serialize(value).get()));
    return row;
  }
}
