package io.marketgate.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The results table: one row per scenario and figure, the gateway beside each ceiling. */
final class Report {
  /** One figure; {@code bare} and {@code nginx} are NaN where not measured. */
  record Row(
      String scenario, String figure, double gateway, double bare, double nginx, String unit) {}

  private final List<Row> rows = new ArrayList<>();

  void add(String scenario, String figure, double gateway, double bare, double nginx, String unit) {
    rows.add(new Row(scenario, figure, gateway, bare, nginx, unit));
    System.out.println(format(rows.get(rows.size() - 1)));
  }

  void add(String scenario, String figure, double gateway, String unit) {
    add(scenario, figure, gateway, Double.NaN, Double.NaN, unit);
  }

  List<Row> rows() {
    return List.copyOf(rows);
  }

  String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| scenario | figure | gateway | bare Pekko HTTP | gateway / bare | nginx proxy_cache | gateway / nginx |\n");
    sb.append("|---|---|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      sb.append("| ")
          .append(r.scenario())
          .append(" | ")
          .append(r.figure())
          .append(" (")
          .append(r.unit())
          .append(") | ")
          .append(number(r.gateway()))
          .append(" | ")
          .append(number(r.bare()))
          .append(" | ")
          .append(ratio(r.gateway(), r.bare()))
          .append(" | ")
          .append(number(r.nginx()))
          .append(" | ")
          .append(ratio(r.gateway(), r.nginx()))
          .append(" |\n");
    }
    return sb.toString();
  }

  static String ratio(double a, double b) {
    if (Double.isNaN(a) || Double.isNaN(b) || b == 0) return "–";
    return String.format(Locale.ROOT, "%.2f", a / b);
  }

  static String number(double v) {
    if (Double.isNaN(v)) return "–";
    if (v == Math.rint(v) && Math.abs(v) >= 10) return String.format(Locale.ROOT, "%,.0f", v);
    if (Math.abs(v) >= 100) return String.format(Locale.ROOT, "%,.0f", v);
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static String format(Row r) {
    return String.format(
        Locale.ROOT,
        "%-12s %-34s gateway %12s   bare %12s   nginx %12s",
        r.scenario(),
        r.figure() + " (" + r.unit() + ")",
        number(r.gateway()),
        number(r.bare()),
        number(r.nginx()));
  }
}
