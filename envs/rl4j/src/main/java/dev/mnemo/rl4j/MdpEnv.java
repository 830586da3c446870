package dev.mnemo.rl4j;

import dev.mnemo.envs.BaseEnv;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Step;
import java.util.Map;
import org.deeplearning4j.gym.StepReply;
import org.deeplearning4j.rl4j.mdp.MDP;
import org.deeplearning4j.rl4j.space.DiscreteSpace;
import org.deeplearning4j.rl4j.space.Encodable;

/**
 * An RL4J {@link MDP} with a {@link DiscreteSpace} as a Mnemo {@link Env}: observations are the
 * encodable's {@code toArray()} cast to float, of the MDP's declared observation shape.
 *
 * <p>Honest limits of the MDP interface: it takes no seed, so {@link #reset(long)} cannot make an
 * episode reproducible (the seed is ignored); and it reports only {@code done}, which this env reads as a
 * termination unless the reply's info is a map whose {@code "truncated"} is {@code true} (what
 * {@link EnvMdp} writes), then as a truncation.
 */
public final class MdpEnv implements Env, AutoCloseable {

  private final MDP<? extends Encodable, Integer, DiscreteSpace> mdp;
  private final EnvSpec spec;
  private final Step step;
  private boolean needsReset = true;

  /**
   * @param id the id this env reports in its spec
   * @param maxEpisodeSteps the MDP's episode bound if known, else 0
   */
  public MdpEnv(String id, MDP<? extends Encodable, Integer, DiscreteSpace> mdp, int maxEpisodeSteps) {
    if (mdp == null) {
      throw new IllegalArgumentException(id + ": MdpEnv needs an MDP");
    }
    this.mdp = mdp;
    this.spec = new EnvSpec(id, mdp.getObservationSpace().getShape(), mdp.getActionSpace().getSize(),
        maxEpisodeSteps);
    this.step = new Step(spec.obsSize());
  }

  @Override
  public EnvSpec spec() {
    return spec;
  }

  /** Starts an episode; the seed cannot reach an RL4J MDP and is ignored. */
  @Override
  public Step reset(long seed) {
    copy(mdp.reset());
    needsReset = false;
    return step.set(0f, false, false);
  }

  @Override
  public Step step(int action) {
    BaseEnv.checkStepAllowed(spec, needsReset, action);
    StepReply<? extends Encodable> r = mdp.step(action);
    copy(r.getObservation());
    boolean truncated = r.isDone() && r.getInfo() instanceof Map<?, ?> info
        && Boolean.TRUE.equals(info.get("truncated"));
    step.set((float) r.getReward(), r.isDone() && !truncated, truncated);
    if (step.done()) {
      needsReset = true;
    }
    return step;
  }

  @Override
  public void close() {
    mdp.close();
  }

  // toArray() is deprecated in favour of getData(), but it is the one accessor every Encodable implements
  // meaningfully (older ones return null from getData()).
  @SuppressWarnings("deprecation")
  private void copy(Encodable e) {
    double[] values = e.toArray();
    if (values.length != step.obs.length) {
      throw new IllegalStateException(spec.id() + ": the MDP returned an observation of " + values.length
          + " values, its observation space declares " + step.obs.length);
    }
    for (int i = 0; i < values.length; i++) {
      step.obs[i] = (float) values[i];
    }
  }
}
