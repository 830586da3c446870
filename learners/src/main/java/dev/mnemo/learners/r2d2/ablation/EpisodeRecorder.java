package dev.mnemo.learners.r2d2.ablation;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.kernel.EpsilonGreedy;
import dev.mnemo.agents.kernel.RecurrentQKernel;
import dev.mnemo.agents.r2d2.RecurrentQSpec;
import dev.mnemo.envs.VectorEnv;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Plays whole episodes with given (typically stale) parameters, epsilon-greedy like an R2D2 actor, and
 * records what the ΔQ probe needs: the inputs of every step and the state the actor had before it.
 * Its env copy and random stream are its own, seeded apart from training, so probing does not perturb
 * the run it measures. Buffers are allocated once for the env's longest episode; only the finished
 * {@link RecordedEpisode} (one per episode) is allocated.
 */
public final class EpisodeRecorder {

  private final VectorEnv env;
  private final RecurrentQKernel kernel;
  private final SplittableRandom rng;
  private final int os;
  private final int na;
  private final int hs;
  private final int maxLength;
  private final float[] obs;
  private final float[] rew = new float[1];
  private final boolean[] term = new boolean[1];
  private final boolean[] trunc = new boolean[1];
  private final int[] action = new int[1];
  private final int[] prevA = new int[1];
  private final float[] prevR = new float[1];
  private final float[] epObs;
  private final int[] epPrevA;
  private final float[] epPrevR;
  private final float[] epStates;

  public EpisodeRecorder(String envId, RecurrentQSpec spec, long seed) {
    this.env = new VectorEnv(envId, 1, seed);
    this.os = env.spec().obsSize();
    this.na = env.spec().numActions();
    if (os != spec.obsSize() || na != spec.numActions()) {
      throw new IllegalArgumentException("env " + envId + " has obsSize=" + os + ", numActions=" + na
          + " but the network spec expects " + spec.obsSize() + ", " + spec.numActions());
    }
    this.hs = spec.stateSize();
    this.maxLength = env.spec().maxEpisodeSteps();
    if (maxLength < 1 || maxLength > 1_000_000) {
      throw new IllegalArgumentException("env " + envId + " needs a finite episode limit, got " + maxLength);
    }
    this.kernel = new RecurrentQKernel(spec, 1);
    this.rng = new SplittableRandom(seed ^ 0xAB1A7105L);
    this.obs = new float[os];
    this.epObs = new float[maxLength * os];
    this.epPrevA = new int[maxLength];
    this.epPrevR = new float[maxLength];
    this.epStates = new float[maxLength * hs];
    env.reset(obs);
  }

  /** The longest episode this recorder can return (the env's step limit). */
  public int maxLength() {
    return maxLength;
  }

  /** Plays one episode with {@code acting}, taking a uniformly random action with probability {@code epsilon}. */
  public RecordedEpisode record(ParamSnapshot acting, double epsilon) {
    if (!(epsilon >= 0 && epsilon <= 1)) {
      throw new IllegalArgumentException("epsilon must be in [0, 1], got " + epsilon);
    }
    kernel.load(acting);
    kernel.resetAllStates();
    prevA[0] = -1;
    prevR[0] = 0f;
    int t = 0;
    while (true) {
      if (t == maxLength) {
        throw new IllegalStateException("episode ran past the env's limit of " + maxLength + " steps");
      }
      System.arraycopy(obs, 0, epObs, t * os, os);
      epPrevA[t] = prevA[0];
      epPrevR[t] = prevR[0];
      kernel.copyState(0, epStates, t * hs);
      kernel.step(obs, prevA, prevR);
      action[0] = rng.nextDouble() < epsilon ? rng.nextInt(na) : EpsilonGreedy.argmax(kernel.qValues(), 0, na);
      env.step(action, obs, rew, term, trunc);
      t++;
      if (term[0] || trunc[0]) {
        break; // obs already holds the next episode's first observation (auto-reset)
      }
      prevA[0] = action[0];
      prevR[0] = rew[0];
    }
    return new RecordedEpisode(t, os, hs, Arrays.copyOf(epObs, t * os), Arrays.copyOf(epPrevA, t),
        Arrays.copyOf(epPrevR, t), Arrays.copyOf(epStates, t * hs));
  }
}
