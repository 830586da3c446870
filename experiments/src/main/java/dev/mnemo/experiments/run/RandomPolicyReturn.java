package dev.mnemo.experiments.run;

import com.typesafe.config.Config;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.Rng;
import dev.mnemo.envs.Seeds;
import dev.mnemo.envs.Step;
import dev.mnemo.experiments.config.ConfigProblem;
import dev.mnemo.learners.agent.Solved;
import java.util.Locale;
import java.util.Optional;

/**
 * The mean episode return of a uniformly random policy on an env, from a short seeded rollout: the floor a
 * "solved" threshold must clear, since thresholds are on the env's own reward scale (POPGym's returns are
 * normalised to at most 1, Gym's CartPole-v1 pays 1 per step up to 500) and a threshold written for one scale
 * is met by chance on another.
 *
 * <p>Bounded: at most {@link #EPISODES} episodes, {@link #MAX_STEPS} env steps and {@link #MAX_NANOS} of wall
 * time; episodes the budget cuts short are not counted, and fewer than {@link #MIN_EPISODES} finished episodes
 * give no estimate. Envs of a provider ({@code scheme://} ids such as {@code gym-http://}) are not rolled out:
 * each of their steps is a round trip to another process, and making one may need a server that is not up
 * while a config is checked.
 */
public final class RandomPolicyReturn {

  public static final int EPISODES = 20;
  public static final int MIN_EPISODES = 3;
  public static final long MAX_STEPS = 50_000;
  public static final long MAX_NANOS = 1_000_000_000L;

  /**
   * @param mean mean return of the finished episodes
   * @param ci95 half-width of its 95% confidence interval (1.96 standard errors)
   * @param episodes finished episodes
   */
  public record Estimate(double mean, double ci95, int episodes) {}

  private RandomPolicyReturn() {}

  /**
   * The random policy's mean return on {@code envId}, with actions and episode seeds drawn from {@code seed};
   * empty for provider envs, for an env that cannot be made, and when the budget ends before
   * {@link #MIN_EPISODES} episodes do.
   */
  public static Optional<Estimate> estimate(String envId, long seed) {
    return estimate(envId, seed, EPISODES, MAX_STEPS, MAX_NANOS);
  }

  static Optional<Estimate> estimate(String envId, long seed, int episodes, long maxSteps, long maxNanos) {
    if (envId == null || envId.contains("://")) {
      return Optional.empty();
    }
    Env env;
    try {
      env = EnvRegistry.make(envId);
    } catch (RuntimeException e) {
      return Optional.empty(); // validation reports a bad id; this only estimates
    }
    // Streams of their own, apart from the run's actors and evaluations.
    long base = Seeds.combine(seed, 0x52414E444F4DL);
    Rng rng = new Rng(Seeds.mix64(base));
    int actions = env.spec().numActions();
    double[] returns = new double[episodes];
    int done = 0;
    long steps = 0;
    long deadline = System.nanoTime() + maxNanos;
    outer:
    for (int e = 0; e < episodes; e++) {
      Step s = env.reset(Seeds.episodeSeed(base, 0, e));
      double ret = 0;
      while (!s.done()) {
        if (steps >= maxSteps || ((steps & 1023) == 0 && System.nanoTime() > deadline)) {
          break outer;
        }
        s = env.step(rng.nextInt(actions));
        ret += s.reward;
        steps++;
      }
      returns[done++] = ret;
    }
    env.close();
    if (done < MIN_EPISODES) {
      return Optional.empty();
    }
    double sum = 0;
    for (int i = 0; i < done; i++) {
      sum += returns[i];
    }
    double mean = sum / done;
    double ss = 0;
    for (int i = 0; i < done; i++) {
      ss += (returns[i] - mean) * (returns[i] - mean);
    }
    return Optional.of(new Estimate(mean, 1.96 * Math.sqrt(ss / (done - 1)) / Math.sqrt(done), done));
  }

  /**
   * A warning when the threshold at {@code thresholdKey} is below the random policy's mean return on the env
   * at {@code envKey}: the run would count as solved before learning anything. Names both keys with where
   * they were set. Empty without a threshold ({@link Solved#hasThreshold}) or an estimate.
   */
  public static Optional<String> thresholdWarning(Config config, String envKey, String thresholdKey) {
    if (!config.hasPath(thresholdKey) || !config.hasPath(envKey)) {
      return Optional.empty();
    }
    double threshold = config.getDouble(thresholdKey);
    if (!Solved.hasThreshold(threshold)) {
      return Optional.empty();
    }
    String env = config.getString(envKey);
    long seed = config.hasPath(CommonKeys.SEED) ? config.getLong(CommonKeys.SEED) : 0;
    Optional<Estimate> random = estimate(env, seed);
    if (random.isEmpty() || !(threshold < random.get().mean())) {
      return Optional.empty();
    }
    Estimate r = random.get();
    return Optional.of(String.format(Locale.ROOT, "%s: %s = %s is below the return of a uniformly random policy on "
            + "%s = %s (%s): mean %.4g +- %.2g over %d seeded episodes, so the run counts as solved before it "
            + "learns anything (a threshold is on its env's reward scale: was this one written for another env?)",
        ConfigProblem.where(config.getValue(thresholdKey).origin()), thresholdKey,
        config.getValue(thresholdKey).render(), envKey, env,
        ConfigProblem.where(config.getValue(envKey).origin()), r.mean(), r.ci95(), r.episodes()));
  }
}
