package dev.mnemo.learners.r2d2.ablation;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.r2d2.RecurrentQSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * ΔQ of a training run at one moment: plays {@code episodes} episodes with the stale parameters (those
 * that filled the replay), then, for every window of {@code traceLength} trained steps starting at
 * step {@code period}, {@code 2 period}, ... that fits in an episode, measures ΔQ of the current
 * parameters for each strategy and averages over windows. Windows at step 0 are left out: there the
 * zero state is the true state and every strategy is exact.
 */
public final class DiscrepancyProbe {

  /**
   * Mean ΔQ of one strategy over the windows of one probe.
   *
   * @param strategy the unroll measured
   * @param first mean ΔQ at the first trained step (NaN if no window fitted)
   * @param last mean ΔQ at the last trained step
   * @param windows number of windows averaged
   */
  public record Result(UnrollStrategy strategy, double first, double last, int windows) {}

  private final List<UnrollStrategy> strategies;
  private final int traceLength;
  private final int period;
  private final int episodes;
  private final double epsilon;
  private final EpisodeRecorder recorder;
  private final QDiscrepancy dq;

  public DiscrepancyProbe(String envId, RecurrentQSpec spec, List<UnrollStrategy> strategies, int traceLength,
      int period, int episodes, double epsilon, long seed) {
    if (strategies.isEmpty() || traceLength < 1 || period < 1 || episodes < 1) {
      throw new IllegalArgumentException("need >= 1 strategy, traceLength >= 1, period >= 1, episodes >= 1;"
          + " got " + strategies.size() + ", " + traceLength + ", " + period + ", " + episodes);
    }
    this.strategies = List.copyOf(strategies);
    this.traceLength = traceLength;
    this.period = period;
    this.episodes = episodes;
    this.epsilon = epsilon;
    this.recorder = new EpisodeRecorder(envId, spec, seed);
    this.dq = new QDiscrepancy(spec, recorder.maxLength());
  }

  public List<Result> measure(ParamSnapshot current, ParamSnapshot stale) {
    int k = strategies.size();
    double[] first = new double[k];
    double[] last = new double[k];
    int windows = 0;
    for (int e = 0; e < episodes; e++) {
      RecordedEpisode ep = recorder.record(stale, epsilon);
      dq.prepare(current, ep);
      for (int t = period; t + traceLength <= ep.length(); t += period) {
        windows++;
        for (int s = 0; s < k; s++) {
          Discrepancy d = dq.measure(t, traceLength, strategies.get(s));
          first[s] += d.first();
          last[s] += d.last();
        }
      }
    }
    List<Result> out = new ArrayList<>(k);
    for (int s = 0; s < k; s++) {
      out.add(new Result(strategies.get(s), windows > 0 ? first[s] / windows : Double.NaN,
          windows > 0 ? last[s] / windows : Double.NaN, windows));
    }
    return out;
  }
}
