package dev.mnemo.envs;

import dev.mnemo.envs.classic.CartPole;
import dev.mnemo.envs.classic.Pendulum;
import dev.mnemo.envs.classic.TMaze;
import dev.mnemo.envs.memory.IMaze;
import dev.mnemo.envs.memory.MetaFetch;
import dev.mnemo.envs.meta.BanditEnv;
import dev.mnemo.envs.meta.MetaTrial;
import dev.mnemo.envs.meta.RandomMdpEnv;
import dev.mnemo.envs.popgym.Autoencode;
import dev.mnemo.envs.popgym.CountRecall;
import dev.mnemo.envs.popgym.Difficulty;
import dev.mnemo.envs.popgym.HigherLower;
import dev.mnemo.envs.popgym.MultiarmedBandit;
import dev.mnemo.envs.popgym.RepeatFirst;
import dev.mnemo.envs.popgym.RepeatPrevious;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.BiFunction;

/**
 * Environments by id: {@code name} or {@code name?param=value&param=value}, e.g.
 * {@code popgym/RepeatPrevious-Medium}, {@code cartpole/position-only}, {@code tmaze?length=50},
 * {@code bandit?arms=5&pulls=10}. {@link #list()} describes every id and its parameters. An unknown
 * id or parameter, or a bad value, throws {@link IllegalArgumentException} naming the valid choices.
 * The table is built once and never changes.
 *
 * <p>Ids of the form {@code scheme://...} belong to an {@link EnvProvider} found on the class path
 * (e.g. {@code gym-http://127.0.0.1:5000/CartPole-v1} with the {@code mnemo-gym-http} module).
 */
public final class EnvRegistry {
  private record Entry(EnvInfo info, BiFunction<String, Params, Env> factory) {}

  private static final Map<String, Entry> ENTRIES = build();

  private EnvRegistry() {}

  /** A new environment for {@code id} (its {@link EnvSpec#id()} is {@code id} as given). */
  public static Env make(String id) {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("env id must not be empty; valid ids: " + ids());
    }
    String trimmed = id.strip();
    int scheme = trimmed.indexOf("://");
    if (scheme > 0) {
      return provider(trimmed.substring(0, scheme)).make(trimmed);
    }
    int q = trimmed.indexOf('?');
    String name = q < 0 ? trimmed : trimmed.substring(0, q);
    Entry e = ENTRIES.get(name);
    if (e == null) {
      throw new IllegalArgumentException("unknown env id '" + name + "'; valid ids: " + ids());
    }
    Params p = Params.parse(e.info, q < 0 ? "" : trimmed.substring(q + 1));
    return e.factory.apply(trimmed, p);
  }

  /** The spec of {@code id}'s environment (one is made to read it, and closed). */
  public static EnvSpec spec(String id) {
    try (Env probe = make(id)) {
      return probe.spec();
    }
  }

  /**
   * The environment providers on the class path ({@code scheme://...} ids), sorted by scheme. Looked up
   * on every call rather than cached: making an env is not a hot path, and no static state is kept.
   */
  public static List<EnvInfo> providers() {
    List<EnvInfo> out = new ArrayList<>();
    for (EnvProvider p : loadProviders()) {
      out.add(p.info());
    }
    out.sort(java.util.Comparator.comparing(EnvInfo::id));
    return Collections.unmodifiableList(out);
  }

  private static EnvProvider provider(String scheme) {
    List<String> schemes = new ArrayList<>();
    for (EnvProvider p : loadProviders()) {
      if (p.scheme().equals(scheme)) {
        return p;
      }
      schemes.add(p.scheme());
    }
    throw new IllegalArgumentException("no environment provider for scheme '" + scheme + "://' on the class"
        + " path; installed schemes: " + (schemes.isEmpty() ? "(none)" : String.join(", ", schemes))
        + " (gym-http:// needs the mnemo-gym-http module)");
  }

  private static List<EnvProvider> loadProviders() {
    List<EnvProvider> out = new ArrayList<>();
    for (EnvProvider p : ServiceLoader.load(EnvProvider.class, EnvRegistry.class.getClassLoader())) {
      out.add(p);
    }
    return out;
  }

  /**
   * Every registered id with its parameters and a one-line description, in a stable order (the built-in
   * environments; {@link #providers()} lists the {@code scheme://} ids).
   */
  public static List<EnvInfo> list() {
    List<EnvInfo> out = new ArrayList<>();
    for (Entry e : ENTRIES.values()) {
      out.add(e.info);
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * Every id as a text table for {@code mnemo envs}: one line per id with its parameters and
   * defaults ({@code name=default}), then the description.
   */
  public static String listing() {
    StringBuilder b = new StringBuilder();
    int width = 0;
    for (EnvInfo info : list()) {
      width = Math.max(width, info.exampleId().length());
    }
    for (EnvInfo info : list()) {
      String example = info.exampleId();
      b.append(example).append(" ".repeat(width - example.length() + 2)).append(info.description())
          .append('\n');
    }
    return b.toString();
  }

  private static String ids() {
    return String.join(", ", ENTRIES.keySet());
  }

  /** Parsed parameters of one id, checked against the entry's declared parameters. */
  static final class Params {
    private final EnvInfo info;
    private final Map<String, String> values;

    private Params(EnvInfo info, Map<String, String> values) {
      this.info = info;
      this.values = values;
    }

    static Params parse(EnvInfo info, String query) {
      Map<String, String> values = new LinkedHashMap<>();
      for (EnvParam p : info.params()) {
        values.put(p.name(), p.defaultValue());
      }
      Map<String, String> seen = new LinkedHashMap<>();
      if (!query.isEmpty()) {
        for (String pair : query.split("&", -1)) {
          int eq = pair.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException(info.id() + ": malformed parameter '" + pair
                + "', expected name=value; valid parameters: " + names(info));
          }
          String name = pair.substring(0, eq).strip();
          String value = pair.substring(eq + 1).strip();
          if (!values.containsKey(name)) {
            throw new IllegalArgumentException(info.id() + ": unknown parameter '" + name
                + "'; valid parameters: " + names(info));
          }
          if (seen.put(name, value) != null) {
            throw new IllegalArgumentException(info.id() + ": parameter '" + name + "' given twice");
          }
          values.put(name, value);
        }
      }
      return new Params(info, values);
    }

    private static String names(EnvInfo info) {
      if (info.params().isEmpty()) {
        return "(none)";
      }
      List<String> n = new ArrayList<>();
      for (EnvParam p : info.params()) {
        n.add(p.name() + " (default " + p.defaultValue() + ")");
      }
      return String.join(", ", n);
    }

    String raw(String name) {
      return values.get(name);
    }

    int positiveInt(String name) {
      String v = values.get(name);
      try {
        int i = Integer.parseInt(v);
        if (i > 0) {
          return i;
        }
      } catch (NumberFormatException ignored) {
        // reported below with the expected form
      }
      throw new IllegalArgumentException(info.id() + ": parameter '" + name
          + "' must be a positive integer, got '" + v + "'");
    }

    int intAtLeast(String name, int min) {
      int i = positiveInt(name);
      if (i < min) {
        throw new IllegalArgumentException(info.id() + ": parameter '" + name + "' must be >= " + min
            + ", got " + i);
      }
      return i;
    }

    double nonNegativeDouble(String name) {
      String v = values.get(name);
      try {
        double d = Double.parseDouble(v);
        if (d >= 0 && Double.isFinite(d)) {
          return d;
        }
      } catch (NumberFormatException ignored) {
        // reported below with the expected form
      }
      throw new IllegalArgumentException(info.id() + ": parameter '" + name
          + "' must be a finite number >= 0, got '" + v + "'");
    }
  }

  private static Map<String, Entry> build() {
    Map<String, Entry> m = new LinkedHashMap<>();
    // Task by task, each at its three levels, so listings read naturally. The card tasks' level
    // parameters live in their classes; the strings here only describe them.
    popgym(m, "RepeatFirst",
        new String[] {"1 deck", "8 decks", "16 decks"},
        "name the suit of the episode's first card at every step",
        (id, d) -> new RepeatFirst(d));
    popgym(m, "RepeatPrevious",
        new String[] {"1 deck, k=4", "2 decks, k=32", "3 decks, k=64"},
        "name the suit of the card shown k steps ago",
        (id, d) -> new RepeatPrevious(d));
    popgym(m, "Autoencode",
        new String[] {"1 deck", "2 decks", "3 decks"},
        "watch a sequence of cards, then recite their suits in reverse",
        (id, d) -> new Autoencode(d));
    popgym(m, "CountRecall",
        new String[] {"1 deck, colours", "2 decks, suits", "4 decks, ranks"},
        "count how often the queried kind of card has been dealt",
        (id, d) -> new CountRecall(d));
    popgym(m, "HigherLower",
        new String[] {"1 deck", "2 decks", "3 decks"},
        "guess whether the next card is higher or lower (card counting)",
        (id, d) -> new HigherLower(d));
    popgym(m, "MultiarmedBandit",
        new String[] {"10 arms, 200 steps", "20 arms, 400 steps", "30 arms, 600 steps"},
        "episodic multi-armed bandit, outcome-only observations",
        (id, d) -> new MultiarmedBandit(d));
    popgym(m, "PositionOnlyCartPole",
        new String[] {"200 steps", "400 steps", "600 steps"},
        "CartPole observing [x, theta] only",
        (id, d) -> new CartPole(id, CartPole.View.POSITION, d.pick(200, 400, 600), 0, true));
    popgym(m, "VelocityOnlyCartPole",
        new String[] {"200 steps", "400 steps", "600 steps"},
        "CartPole observing [x', theta'] only",
        (id, d) -> new CartPole(id, CartPole.View.VELOCITY, d.pick(200, 400, 600), 0, true));
    popgym(m, "NoisyPositionOnlyCartPole",
        new String[] {"sigma 0.1", "sigma 0.2", "sigma 0.3"},
        "CartPole observing [x, theta] with Gaussian noise",
        (id, d) -> new CartPole(id, CartPole.View.POSITION, 200, d.pick(0.1, 0.2, 0.3), true));
    popgym(m, "PositionOnlyPendulum",
        new String[] {"200 steps", "150 steps", "100 steps"},
        "Pendulum swing-up observing [cos, sin], 5 torques",
        (id, d) -> new Pendulum(id, d.pick(200, 150, 100), 5));
    put(m, "cartpole", "Gym CartPole-v1: full state, reward 1 per step",
        List.of(new EnvParam("maxSteps", "500", "truncation length, >= 1")),
        (id, p) -> new CartPole(id, CartPole.View.FULL, p.positiveInt("maxSteps"), 0, false));
    put(m, "cartpole/position-only", "CartPole observing [x, theta]; POPGym reward 1/maxSteps per step",
        List.of(new EnvParam("maxSteps", "200", "truncation length, >= 1")),
        (id, p) -> new CartPole(id, CartPole.View.POSITION, p.positiveInt("maxSteps"), 0, true));
    put(m, "cartpole/velocity-only", "CartPole observing [x', theta']; POPGym reward 1/maxSteps per step",
        List.of(new EnvParam("maxSteps", "200", "truncation length, >= 1")),
        (id, p) -> new CartPole(id, CartPole.View.VELOCITY, p.positiveInt("maxSteps"), 0, true));
    put(m, "cartpole/noisy-position-only", "CartPole observing [x, theta] + N(0, sigma^2) noise",
        List.of(new EnvParam("maxSteps", "200", "truncation length, >= 1"),
            new EnvParam("sigma", "0.1", "observation noise std, >= 0")),
        (id, p) -> new CartPole(id, CartPole.View.POSITION, p.positiveInt("maxSteps"),
            p.nonNegativeDouble("sigma"), true));
    put(m, "pendulum/position-only", "Pendulum swing-up observing [cos, sin]; discrete torques in [-2, 2]",
        List.of(new EnvParam("maxSteps", "200", "truncation length, >= 1"),
            new EnvParam("torques", "5", "number of evenly spaced torques, >= 2")),
        (id, p) -> new Pendulum(id, p.positiveInt("maxSteps"), p.intAtLeast("torques", 2)));
    put(m, "tmaze", "Bakker's T-Maze: goal side shown at the first step only; +4 right turn, -0.1 wrong"
            + " turn or wall bump",
        List.of(new EnvParam("length", "10", "corridor length (steps from start to junction), >= 1"),
            new EnvParam("maxSteps", "auto", "truncation length >= 1; auto = 4 * (length + 1)")),
        (id, p) -> {
          int length = p.positiveInt("length");
          int max = "auto".equals(p.raw("maxSteps")) ? 4 * (length + 1) : p.positiveInt("maxSteps");
          return new TMaze(id, length, max);
        });
    put(m, "imaze", "I-Maze (ALD's memory task, our rules): cue at the start only; +1 at the cued end of the bar,"
            + " -1 at the other",
        List.of(new EnvParam("length", "8", "rows from the start down to the bar, >= 1"),
            new EnvParam("arm", "1", "cells from the corridor to each end of the bar, >= 1"),
            new EnvParam("maxSteps", "auto", "truncation length >= 1; auto = 4 * (length + arm)")),
        (id, p) -> {
          int length = p.positiveInt("length");
          int arm = p.positiveInt("arm");
          int max = "auto".equals(p.raw("maxSteps")) ? 4 * (length + arm) : p.positiveInt("maxSteps");
          return new IMaze(id, length, arm, max);
        });
    put(m, "metafetch", "Meta-Fetch (ALD's memory task, our rules): fetch objects in a hidden order, +1 per right"
            + " fetch, a wrong one resets progress; the order repeats until the time limit",
        List.of(new EnvParam("size", "5", "grid side, >= 2"),
            new EnvParam("objects", "3", "objects to fetch, 1 .. size^2 - 1"),
            new EnvParam("maxSteps", "100", "truncation length, >= 1")),
        (id, p) -> new MetaFetch(id, p.intAtLeast("size", 2), p.positiveInt("objects"), p.positiveInt("maxSteps")));
    put(m, "bandit", "RL2 Bernoulli bandits, p ~ U[0,1]: a trial of `pulls` one-pull episodes of one task",
        List.of(new EnvParam("arms", "5", "number of arms k, >= 1"),
            new EnvParam("pulls", "10", "pulls (episodes) per trial n, >= 1")),
        (id, p) -> new MetaTrial(id, new BanditEnv(id + "#task", p.positiveInt("arms")),
            p.positiveInt("pulls")));
    put(m, "mdp", "RL2 random tabular MDPs (mu ~ N(1,1), flat Dirichlet): a trial of `episodes` episodes",
        List.of(new EnvParam("states", "10", "number of states, >= 1"),
            new EnvParam("actions", "5", "number of actions, >= 1"),
            new EnvParam("horizon", "10", "steps per episode, >= 1"),
            new EnvParam("episodes", "10", "episodes per trial n, >= 1")),
        (id, p) -> new MetaTrial(id, new RandomMdpEnv(id + "#task", p.positiveInt("states"),
            p.positiveInt("actions"), p.positiveInt("horizon")), p.positiveInt("episodes")));
    return Collections.unmodifiableMap(m);
  }

  private static void popgym(Map<String, Entry> m, String task, String[] levelDetails,
      String description, BiFunction<String, Difficulty, Env> factory) {
    for (Difficulty d : Difficulty.values()) {
      put(m, "popgym/" + task + "-" + d.label(), "POPGym " + task + ": " + description + " ("
          + levelDetails[d.ordinal()] + ")", List.of(), (id, p) -> factory.apply(id, d));
    }
  }

  private static void put(Map<String, Entry> m, String id, String description, List<EnvParam> params,
      BiFunction<String, Params, Env> factory) {
    m.put(id, new Entry(new EnvInfo(id, params, description), factory));
  }
}
