package io.marketgate.app.sim;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** The fault switch of every simulated provider. */
final class FaultSwitches {
  private final Map<String, FaultSwitch> switches = new ConcurrentHashMap<>();

  FaultSwitch of(String provider) {
    return switches.computeIfAbsent(provider, p -> new FaultSwitch());
  }

  Map<String, Fault> current() {
    Map<String, Fault> view = new TreeMap<>();
    switches.forEach((p, s) -> view.put(p, s.current()));
    return view;
  }

  void clear() {
    switches.values().forEach(s -> s.set(Fault.NONE));
  }
}
