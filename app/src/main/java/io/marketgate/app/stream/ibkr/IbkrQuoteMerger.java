package io.marketgate.app.stream.ibkr;

import io.marketgate.protocol.stream.StreamQuote;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Merges IBKR's delta frames into full quotes, per conid: a field absent from a frame is unchanged,
 * so the merged quote keeps its last value instead of {@code null}. One merger per connection
 * (frames of one conid arrive in order on it); not thread-safe.
 */
public final class IbkrQuoteMerger {
  private static final String LAST = "31";
  private static final String BID = "84";
  private static final String ASK = "86";
  private static final String BID_SIZE = "88";
  private static final String ASK_SIZE = "85";
  private static final String AVAILABILITY = "6509";

  /** The fields a quote needs, to ask for in {@code smd}. */
  public static final List<String> FIELDS =
      List.of(LAST, BID, ASK, BID_SIZE, ASK_SIZE, AVAILABILITY);

  private final Map<Long, String> symbols;
  private final Map<Long, Map<String, String>> state = new HashMap<>();

  /**
   * @param symbols conid to symbol, for the contracts this connection streams
   */
  public IbkrQuoteMerger(Map<Long, String> symbols) {
    this.symbols = symbols;
  }

  /**
   * The full quote after this frame, or empty when it changed none of the quote's fields, or when
   * its conid is not one this connection asked for.
   */
  public Optional<StreamQuote> merge(IbkrMessage.MarketData frame) {
    String symbol = symbols.get(frame.conid());
    if (symbol == null) return Optional.empty();
    Map<String, String> merged = state.computeIfAbsent(frame.conid(), c -> new HashMap<>());
    boolean changed = false;
    for (String field : FIELDS) {
      String value = frame.fields().get(field);
      if (value != null && !value.equals(merged.put(field, value))) changed = true;
    }
    if (!changed) return Optional.empty();
    Instant at = frame.updated() != null ? frame.updated() : Instant.now();
    return Optional.of(
        new StreamQuote(
            IbkrFrames.SOURCE,
            symbol,
            at,
            digest(frame.conid(), merged),
            price(merged.get(BID)),
            size(merged.get(BID_SIZE)),
            price(merged.get(ASK)),
            size(merged.get(ASK_SIZE)),
            price(merged.get(LAST)),
            delayed(merged.get(AVAILABILITY))));
  }

  /**
   * IBKR sends no sequence number: the merged field set stands in for one, so two different quotes
   * in one millisecond are both stored and a replay of the same one is not (a positive 63-bit
   * prefix of the fields' SHA-256).
   */
  static long digest(long conid, Map<String, String> merged) {
    StringBuilder text = new StringBuilder().append(conid);
    for (String field : FIELDS) text.append('|').append(merged.getOrDefault(field, ""));
    try {
      byte[] hash =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.nio.ByteBuffer.wrap(hash).getLong() & Long.MAX_VALUE;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Forgets a contract (unsubscribed): a new subscription starts from a full frame. */
  public void forget(long conid) {
    state.remove(conid);
  }

  /** A price perhaps behind {@code C} (prior close) or {@code H} (halted): both real prices. */
  private static BigDecimal price(String raw) {
    if (raw == null || raw.isEmpty()) return null;
    String s = raw.startsWith("C") || raw.startsWith("H") ? raw.substring(1) : raw;
    try {
      return new BigDecimal(s.replace(",", ""));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Sizes as IBKR writes them: {@code 1,100}, or shortened {@code 12.5K}. */
  private static Long size(String raw) {
    if (raw == null || raw.isEmpty()) return null;
    String s = raw.replace(",", "").toUpperCase(Locale.ROOT);
    int scale =
        switch (s.charAt(s.length() - 1)) {
          case 'K' -> 3;
          case 'M' -> 6;
          default -> 0;
        };
    try {
      return new BigDecimal(scale == 0 ? s : s.substring(0, s.length() - 1))
          .movePointRight(scale)
          .longValue();
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** 6509 starts with R (real-time) or Z (frozen, real-time); anything else is delayed. */
  private static boolean delayed(String availability) {
    return availability == null || !(availability.startsWith("R") || availability.startsWith("Z"));
  }
}
