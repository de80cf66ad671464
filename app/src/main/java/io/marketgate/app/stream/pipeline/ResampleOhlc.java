package io.marketgate.app.stream.pipeline;

import io.marketgate.protocol.stream.StreamBar;
import io.marketgate.protocol.stream.StreamEvent;
import io.marketgate.protocol.stream.StreamGap;
import io.marketgate.protocol.stream.StreamQuote;
import io.marketgate.protocol.stream.StreamTrade;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;

/**
 * OHLCV bars of {@code window} from trades and quotes. A window's prices come from its trades, or
 * from its quotes' midpoints when it had no trade; its volume is the sum of its trade sizes. A
 * window closes when the wall clock passes its end plus the allowed lateness (checked on every
 * event and every tick), so a symbol that went quiet still gets its bar; an event for a window
 * already closed is dropped. Gaps pass through. When the input completes, open windows are emitted.
 */
public final class ResampleOhlc {
  private ResampleOhlc() {}

  private static final Object TICK = new Object();

  /**
   * @param ticks when to look at the clock besides events (one a second in production)
   */
  public static Flow<StreamEvent, StreamEvent, NotUsed> flow(
      Duration window, Duration lateness, Clock clock, Source<?, ?> ticks) {
    if (window.isNegative() || window.isZero())
      throw new IllegalArgumentException("resample_ohlc: window must be positive");
    return Flow.<StreamEvent>create()
        .<Object>map(e -> e)
        .merge(ticks.<Object>map(t -> TICK), true)
        .statefulMap(
            () -> new Windows(window, lateness, clock),
            (windows, element) -> Pair.create(windows, windows.accept(element)),
            windows -> Optional.of(windows.flushAll()))
        .mapConcat(events -> events);
  }

  /** The resolution a window is named by: {@code 1m}, {@code 5s}, {@code 1h}. */
  static String resolution(Duration window) {
    long s = window.toSeconds();
    if (s % 3600 == 0) return s / 3600 + "h";
    if (s % 60 == 0) return s / 60 + "m";
    return s + "s";
  }

  /** The open windows of every (source, symbol), by start. */
  private static final class Windows {
    private final Duration window;
    private final Duration lateness;
    private final Clock clock;
    private final String resolution;
    private final Map<String, TreeMap<Instant, Bar>> open = new TreeMap<>();
    private final Map<String, Instant> closedUpTo = new java.util.HashMap<>();

    Windows(Duration window, Duration lateness, Clock clock) {
      this.window = window;
      this.lateness = lateness;
      this.clock = clock;
      this.resolution = resolution(window);
    }

    List<StreamEvent> accept(Object element) {
      List<StreamEvent> out = new ArrayList<>();
      if (element instanceof StreamGap gap) out.add(gap);
      else if (element instanceof StreamEvent event) add(event);
      closeDue(out);
      return out;
    }

    private void add(StreamEvent event) {
      if (!(event instanceof StreamTrade) && !(event instanceof StreamQuote)) return;
      long w = window.toMillis();
      Instant start = Instant.ofEpochMilli(Math.floorDiv(event.eventTime().toEpochMilli(), w) * w);
      String series = event.source() + '\u0000' + event.symbol();
      Instant closed = closedUpTo.get(series);
      if (closed != null && start.isBefore(closed)) return; // too late: its bar is out
      open.computeIfAbsent(series, s -> new TreeMap<>())
          .computeIfAbsent(start, s -> new Bar(event.source(), event.symbol(), s))
          .add(event);
    }

    /** Emits every window whose end plus the lateness the clock has passed. */
    private void closeDue(List<StreamEvent> out) {
      Instant watermark = clock.instant().minus(lateness);
      for (Map.Entry<String, TreeMap<Instant, Bar>> series : open.entrySet()) {
        Iterator<Map.Entry<Instant, Bar>> bars = series.getValue().entrySet().iterator();
        while (bars.hasNext()) {
          Map.Entry<Instant, Bar> next = bars.next();
          Instant end = next.getKey().plus(window);
          if (end.isAfter(watermark)) break;
          next.getValue().toEvent(resolution).ifPresent(out::add);
          closedUpTo.put(series.getKey(), end);
          bars.remove();
        }
      }
    }

    List<StreamEvent> flushAll() {
      List<StreamEvent> out = new ArrayList<>();
      open.values()
          .forEach(bars -> bars.values().forEach(b -> b.toEvent(resolution).ifPresent(out::add)));
      open.clear();
      return out;
    }
  }

  /** One window of one symbol as it fills: trades and quote midpoints kept apart. */
  private static final class Bar {
    private final String source;
    private final String symbol;
    private final Instant start;
    private final Ohlc trades = new Ohlc();
    private final Ohlc midpoints = new Ohlc();
    private long volume;
    private boolean delayed;

    Bar(String source, String symbol, Instant start) {
      this.source = source;
      this.symbol = symbol;
      this.start = start;
    }

    void add(StreamEvent event) {
      if (event instanceof StreamTrade t) {
        trades.add(t.eventTime(), t.price());
        volume += t.size();
        delayed |= t.delayed();
      } else if (event instanceof StreamQuote q) {
        BigDecimal mid =
            q.bid() != null && q.ask() != null
                ? q.bid()
                    .add(q.ask())
                    .divide(BigDecimal.valueOf(2), 6, RoundingMode.HALF_EVEN)
                    .stripTrailingZeros()
                : q.last();
        if (mid != null) midpoints.add(q.eventTime(), mid);
        delayed |= q.delayed();
      }
    }

    Optional<StreamEvent> toEvent(String resolution) {
      Ohlc prices = trades.isEmpty() ? midpoints : trades;
      if (prices.isEmpty()) return Optional.empty();
      return Optional.of(
          new StreamBar(
              source,
              symbol,
              resolution,
              start,
              prices.open,
              prices.high,
              prices.low,
              prices.close,
              volume,
              delayed));
    }
  }

  /** Open and close by event time (events may arrive out of order), high and low. */
  private static final class Ohlc {
    private BigDecimal open;
    private BigDecimal high;
    private BigDecimal low;
    private BigDecimal close;
    private Instant first;
    private Instant last;

    boolean isEmpty() {
      return open == null;
    }

    void add(Instant at, BigDecimal price) {
      if (price == null) return;
      if (open == null || at.isBefore(first)) {
        open = price;
        first = at;
      }
      if (close == null || !at.isBefore(last)) {
        close = price;
        last = at;
      }
      if (high == null || price.compareTo(high) > 0) high = price;
      if (low == null || price.compareTo(low) < 0) low = price;
    }
  }
}
