package dev.mnemo.rl4j;

import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Seeds;
import dev.mnemo.envs.Step;
import java.util.Map;
import java.util.function.Supplier;
import org.deeplearning4j.gym.StepReply;
import org.deeplearning4j.rl4j.mdp.MDP;
import org.deeplearning4j.rl4j.space.ArrayObservationSpace;
import org.deeplearning4j.rl4j.space.Box;
import org.deeplearning4j.rl4j.space.DiscreteSpace;
import org.deeplearning4j.rl4j.space.ObservationSpace;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A Mnemo {@link Env} as an RL4J {@link MDP}: observations are {@link Box}es of the env's observation
 * shape, actions a {@link DiscreteSpace}.
 *
 * <p>RL4J's MDP has no seed and only {@code done}: episode {@code e} is reset with
 * {@code Seeds.episodeSeed(seed, 0, e)} (what a one-copy {@code VectorEnv} does), and the step reply's
 * info is a map {@code {"terminated": b, "truncated": b}} so a caller that cares can still tell a time-limit
 * cut (bootstrap) from a terminal state. {@link #newInstance()} builds a fresh env from the same factory
 * with the same seed, so copies replay the same episodes.
 */
public final class EnvMdp implements MDP<Box, Integer, DiscreteSpace> {

  private final Supplier<Env> factory;
  private final long seed;
  private final Env env;
  private final EnvSpec spec;
  private final int[] shape;
  private final ArrayObservationSpace<Box> observationSpace;
  private final DiscreteSpace actionSpace;
  private final double[] obs;
  private long episodes;
  private boolean done = true;

  /**
   * @param factory makes the env (called once here and once per {@link #newInstance()})
   * @param seed master seed of the episodes and of {@code getActionSpace().randomAction()}
   */
  public EnvMdp(Supplier<Env> factory, long seed) {
    if (factory == null) {
      throw new IllegalArgumentException("EnvMdp needs an env factory");
    }
    this.factory = factory;
    this.seed = seed;
    this.env = factory.get();
    if (env == null) {
      throw new IllegalArgumentException("EnvMdp env factory returned null");
    }
    this.spec = env.spec();
    this.shape = spec.obsShape();
    this.observationSpace = new ArrayObservationSpace<>(shape);
    this.actionSpace = new DiscreteSpace(spec.numActions(),
        Nd4j.getRandomFactory().getNewRandomInstance(Seeds.combine(seed, 0x5EEDL)));
    this.obs = new double[spec.obsSize()];
  }

  /** The registry env {@code id} (see {@code EnvRegistry.make}). */
  public static EnvMdp of(String id, long seed) {
    return new EnvMdp(() -> EnvRegistry.make(id), seed);
  }

  /** The wrapped env's spec. */
  public EnvSpec spec() {
    return spec;
  }

  @Override
  public ObservationSpace<Box> getObservationSpace() {
    return observationSpace;
  }

  @Override
  public DiscreteSpace getActionSpace() {
    return actionSpace;
  }

  @Override
  public Box reset() {
    Step s = env.reset(Seeds.episodeSeed(seed, 0, episodes++));
    done = false;
    return box(s);
  }

  @Override
  public StepReply<Box> step(Integer action) {
    if (action == null) {
      throw new IllegalArgumentException(spec.id() + ": action must not be null");
    }
    Step s = env.step(action);
    done = s.done();
    return new StepReply<>(box(s), s.reward, done, Map.of("terminated", s.terminated, "truncated", s.truncated));
  }

  /** True before the first reset and after a step that ended the episode. */
  @Override
  public boolean isDone() {
    return done;
  }

  /** Closes the env when it holds resources (a remote {@code gym-http} env does). */
  @Override
  public void close() {
    try {
      env.close();
    } catch (RuntimeException e) {
      throw new IllegalStateException(spec.id() + ": closing the env failed: " + e.getMessage(), e);
    }
  }

  @Override
  public EnvMdp newInstance() {
    return new EnvMdp(factory, seed);
  }

  private Box box(Step s) {
    // RL4J's Box copies into an INDArray of doubles: that copy is the adapter's cost per step.
    for (int i = 0; i < obs.length; i++) {
      obs[i] = s.obs[i];
    }
    return new Box(shape, obs);
  }
}
