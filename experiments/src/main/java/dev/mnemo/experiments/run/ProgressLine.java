package dev.mnemo.experiments.run;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A one-line console status for long runs, printed at most once per interval:
 * {@code [r2d2] 0:01:23 | env 1.23M (45.1k/s) | upd 3,400 (12.1/s) | return 0.84}. Rates are over the last
 * interval, so they follow the run's current speed. Between prints, {@link #update} only reads the clock.
 */
public final class ProgressLine {

  private final PrintStream out;
  private final String label;
  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private final long start;
  private long lastPrint;
  private long lastSteps;
  private long lastUpdates;
  /** Totals this leg of the run started from (a resumed run's checkpoint; 0 otherwise). */
  private long baseSteps;
  private long baseUpdates;

  /**
   * @param out where lines go (stderr, so stdout stays machine-readable)
   * @param intervalNanos minimum time between two lines
   */
  public ProgressLine(PrintStream out, String label, long intervalNanos, LongSupplier nanoClock) {
    if (intervalNanos < 0) {
      throw new IllegalArgumentException("progress interval must be >= 0 ns, got " + intervalNanos);
    }
    this.out = out;
    this.label = label;
    this.intervalNanos = intervalNanos;
    this.nanoClock = nanoClock;
    this.start = nanoClock.getAsLong();
    this.lastPrint = start;
  }

  /**
   * A resumed run starts from a checkpoint's totals: rates count only what this leg does (without this the first
   * line and the final one would credit the earlier legs' steps to this leg's seconds).
   */
  public void startFrom(long envSteps, long learnerUpdates) {
    baseSteps = envSteps;
    baseUpdates = Math.max(learnerUpdates, 0);
    lastSteps = baseSteps;
    lastUpdates = baseUpdates;
  }

  /** Prints when an interval has passed since the last line; {@code learnerUpdates < 0} means no learner. */
  public boolean update(long envSteps, long learnerUpdates) {
    return update(envSteps, learnerUpdates, null);
  }

  /**
   * @param extra more fields, evaluated only when a line is printed (may be null)
   * @return whether a line was printed
   */
  public boolean update(long envSteps, long learnerUpdates, Supplier<String> extra) {
    long now = nanoClock.getAsLong();
    if (now - lastPrint < intervalNanos) {
      return false;
    }
    print(now, envSteps, learnerUpdates, extra == null ? null : extra.get());
    return true;
  }

  /** Prints a final line whatever the time, with rates over the whole run (this leg of it, when resumed). */
  public void finish(long envSteps, long learnerUpdates, String extra) {
    lastPrint = start;
    lastSteps = baseSteps;
    lastUpdates = baseUpdates;
    print(nanoClock.getAsLong(), envSteps, learnerUpdates, extra);
  }

  private void print(long now, long envSteps, long learnerUpdates, String extra) {
    double dt = Math.max(now - lastPrint, 1) / 1e9;
    StringBuilder sb = new StringBuilder(96);
    sb.append('[').append(label).append("] ").append(clock(now - start));
    sb.append(" | env ").append(compact(envSteps)).append(" (").append(compact((envSteps - lastSteps) / dt))
        .append("/s)");
    if (learnerUpdates >= 0) {
      sb.append(" | upd ").append(compact(learnerUpdates)).append(" (")
          .append(compact((learnerUpdates - lastUpdates) / dt)).append("/s)");
    }
    if (extra != null && !extra.isEmpty()) {
      sb.append(" | ").append(extra);
    }
    out.println(sb);
    lastPrint = now;
    lastSteps = envSteps;
    lastUpdates = Math.max(learnerUpdates, 0);
  }

  static String clock(long nanos) {
    long s = nanos / 1_000_000_000L;
    return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }

  /** 3 significant figures with k/M/G above ten thousand: short enough for one line. */
  static String compact(double v) {
    double a = Math.abs(v);
    if (a < 10_000) {
      return a == Math.rint(a) ? String.format(Locale.ROOT, "%,d", (long) v)
          : String.format(Locale.ROOT, a < 10 ? "%.2f" : "%.1f", v);
    }
    String[] units = {"k", "M", "G", "T"};
    int u = -1;
    while (a >= 1000 && u < units.length - 1) {
      a /= 1000;
      v /= 1000;
      u++;
    }
    return String.format(Locale.ROOT, a < 100 ? "%.3g" : "%.0f", v) + units[u];
  }
}
