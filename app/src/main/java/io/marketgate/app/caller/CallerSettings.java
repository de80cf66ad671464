package io.marketgate.app.caller;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import io.marketgate.protocol.Dataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Callers and profiles from {@code marketgate.security}: profiles in HOCON (each with {@code
 * MARKETGATE_RATE_LIMIT_<PROFILE>} able to override its rate), clients from the HOCON list, from
 * {@code MARKETGATE_CLIENTS} ({@code key=profile,…}) and from {@code MARKETGATE_CLIENTS_FILE} (one
 * {@code key=profile} per line, {@code #} comments: a mounted Kubernetes Secret), and the profile
 * of callers without a key ({@code MARKETGATE_ANONYMOUS_PROFILE}; {@code none}: they get 401).
 */
public record CallerSettings(
    Map<String, Profile> profiles,
    List<ClientEntry> clients,
    Optional<Profile> anonymous,
    boolean auditAllowedRequests,
    double throttleAuditSample,
    Duration rateWindow) {

  /** A configured client: its key (kept only to be hashed), profile and optional name. */
  public record ClientEntry(String key, String profile, Optional<String> name) {
    @Override
    public String toString() {
      return "ClientEntry[profile=" + profile + ", name=" + name.orElse("-") + "]";
    }
  }

  public static CallerSettings fromConfig(Config root, Function<String, String> env) {
    Config c = root.getConfig("marketgate.security");
    Map<String, Profile> profiles = new LinkedHashMap<>();
    Config ps = c.getConfig("profiles");
    for (String name : ps.root().keySet())
      profiles.put(name, profile(name, ps.getConfig(name), env));

    List<ClientEntry> clients = new ArrayList<>();
    for (Config client : c.getConfigList("client-list")) {
      clients.add(
          new ClientEntry(
              client.getString("key"),
              client.getString("profile"),
              client.hasPath("name") ? Optional.of(client.getString("name")) : Optional.empty()));
    }
    clients.addAll(parsePairs(c.getString("clients"), "MARKETGATE_CLIENTS"));
    String file = c.getString("clients-file").trim();
    if (!file.isEmpty()) clients.addAll(readFile(Path.of(file)));
    for (ClientEntry client : clients) {
      if (!profiles.containsKey(client.profile())) {
        throw new IllegalArgumentException(
            "a client has the unknown profile '"
                + client.profile()
                + "'; profiles: "
                + profiles.keySet());
      }
      if (client.key().length() < 16) {
        throw new IllegalArgumentException(
            "client keys must have at least 16 characters (a client of profile "
                + client.profile()
                + ")");
      }
    }

    String anonymousName = c.getString("anonymous-profile").trim();
    Optional<Profile> anonymous;
    if (anonymousName.equalsIgnoreCase("none")) {
      anonymous = Optional.empty();
    } else if (profiles.containsKey(anonymousName)) {
      anonymous = Optional.of(profiles.get(anonymousName));
    } else {
      throw new IllegalArgumentException(
          "MARKETGATE_ANONYMOUS_PROFILE must be none or one of "
              + profiles.keySet()
              + ", not "
              + anonymousName);
    }
    return new CallerSettings(
        Map.copyOf(profiles),
        List.copyOf(clients),
        anonymous,
        c.getBoolean("audit-allowed-requests"),
        c.getDouble("throttle-audit-sample"),
        c.getDuration("rate-window"));
  }

  private static Profile profile(String name, Config p, Function<String, String> env) {
    Set<Dataset> datasets = new LinkedHashSet<>();
    if (p.getValue("datasets").valueType() == ConfigValueType.STRING
        && p.getString("datasets").equals("all")) {
      datasets.addAll(List.of(Dataset.values()));
    } else {
      for (String d : p.getStringList("datasets")) {
        datasets.add(
            Dataset.fromWireName(d)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "profile " + name + ": unknown dataset " + d)));
      }
    }
    int rate = p.getInt("rate-limit");
    String override = env.apply("MARKETGATE_RATE_LIMIT_" + name.toUpperCase(Locale.ROOT));
    if (override != null && !override.isBlank()) rate = Integer.parseInt(override.trim());
    return new Profile(name, datasets, p.getBoolean("admin"), rate, p.getDuration("min-max-age"));
  }

  static List<ClientEntry> parsePairs(String text, String source) {
    List<ClientEntry> out = new ArrayList<>();
    for (String pair : text.split("[,\\n]")) {
      String p = pair.trim();
      if (p.isEmpty() || p.startsWith("#")) continue;
      int eq = p.lastIndexOf('=');
      if (eq <= 0 || eq == p.length() - 1)
        throw new IllegalArgumentException(source + ": expected key=profile pairs");
      out.add(
          new ClientEntry(p.substring(0, eq).trim(), p.substring(eq + 1).trim(), Optional.empty()));
    }
    return out;
  }

  private static List<ClientEntry> readFile(Path file) {
    try {
      return parsePairs(Files.readString(file), "MARKETGATE_CLIENTS_FILE " + file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read MARKETGATE_CLIENTS_FILE " + file, e);
    }
  }
}
