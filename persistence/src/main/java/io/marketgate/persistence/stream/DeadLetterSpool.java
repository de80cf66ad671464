package io.marketgate.persistence.stream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Dead letters on disk while the database cannot take them: one JSON line each, under {@code
 * MARKETGATE_DATA_DIR}, at most {@code maxBytes} (what does not fit is refused, and the caller
 * counts it). Moved into the table when the database is back.
 */
public final class DeadLetterSpool {
  private final Path file;
  private final long maxBytes;

  public DeadLetterSpool(Path directory, long maxBytes) {
    this.file = directory.resolve("stream-dead-letters.jsonl");
    this.maxBytes = maxBytes;
  }

  /**
   * @return false when the spool is full and the line was not kept
   */
  public synchronized boolean append(String jsonLine) {
    try {
      Files.createDirectories(file.getParent());
      long size = Files.exists(file) ? Files.size(file) : 0;
      byte[] line = (jsonLine + "\n").getBytes(StandardCharsets.UTF_8);
      if (size + line.length > maxBytes) return false;
      Files.write(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Every line spooled, oldest first; the spool is empty afterwards only once taken. */
  public synchronized List<String> lines() throws IOException {
    return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
  }

  /** Forgets the first {@code n} lines (they are in the table now). */
  public synchronized void taken(int n) throws IOException {
    List<String> all = lines();
    Files.write(file, all.subList(Math.min(n, all.size()), all.size()), StandardCharsets.UTF_8);
  }
}
