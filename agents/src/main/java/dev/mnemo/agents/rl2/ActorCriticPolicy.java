package dev.mnemo.agents.rl2;

import dev.mnemo.envs.StateIo;
import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.acting.Categorical;
import dev.mnemo.agents.acting.CategoricalPolicy;
import dev.mnemo.agents.blocks.DenseReluStack;
import dev.mnemo.agents.blocks.PolicyHead;
import dev.mnemo.agents.core.CoreKernel;
import dev.mnemo.agents.kernel.BatchOps;
import java.util.Arrays;
import dev.mnemo.envs.SplitMixRandom;

/**
 * RL²'s acting form over N envs: the policy tower's encoder, the core's acting kernel and the policy head,
 * then an action drawn from {@code pi(.|h_t)} (or its most probable action when {@code greedy}). It reads
 * the MetaTrial observation, which already carries the previous action, reward and done flag, so the
 * {@code prevAction} / {@code prevReward} arguments of {@link #act} are not used. The state of an env is
 * zeroed at its episode starts, which for a MetaTrial are trial starts: it is kept across the inner
 * episodes of a trial.
 *
 * <p>After each {@link #act}, {@link #logProbs()} holds every env's log-probabilities (what a PPO learner
 * stores as the behaviour policy) and {@link #chosenLogProb(int)} the chosen action's. Allocation-free per
 * step; not thread-safe.
 */
public final class ActorCriticPolicy implements CategoricalPolicy {
  private final ActorCriticSpec spec;
  private final ActorCriticSpec.Offsets off;
  private final int n;
  private final int na;
  private final int stateSize;
  private final boolean greedy;
  private final DenseReluStack encoder;
  private final DenseReluStack.Pass enc;
  private final CoreKernel kernel;
  private final PolicyHead head;
  private final PolicyHead.Acting headActing;
  private final SplitMixRandom rng;
  private float[] state;
  private float[] before;
  private final float[] chosen;
  private long version = -1;

  /**
   * @param n envs per step
   * @param seed the action-sampling stream
   * @param greedy take the most probable action instead of sampling
   */
  public ActorCriticPolicy(ActorCriticSpec spec, int n, long seed, boolean greedy) {
    if (n < 1) {
      throw new IllegalArgumentException("envs n must be >= 1, got " + n);
    }
    BatchOps ops = BatchOps.best();
    this.spec = spec;
    this.off = spec.offsets();
    this.n = n;
    this.na = spec.numActions();
    this.stateSize = spec.actingStateSize();
    this.greedy = greedy;
    this.encoder = spec.encoderSizes().isEmpty() ? null : new DenseReluStack(ops, spec.inputSize(),
        spec.encoderSizes());
    this.enc = encoder == null ? null : encoder.newPass(n);
    this.kernel = spec.core().kernel(ops, n);
    this.head = new PolicyHead(ops, spec.coreSize(), spec.headSizes(), na);
    this.headActing = head.newActing(n);
    this.rng = new SplitMixRandom(seed);
    this.state = new float[n * stateSize];
    this.before = new float[n * stateSize];
    this.chosen = new float[n];
  }

  @Override
  public int batch() {
    return n;
  }

  @Override
  public int stateSize() {
    return stateSize;
  }

  /** Loads the policy tower and head from a full snapshot (the value's parameters are not read). */
  @Override
  public void load(ParamSnapshot snapshot) {
    float[] p = snapshot.params();
    if (p.length != off.total()) {
      throw new IllegalArgumentException("parameter snapshot has " + p.length + " floats, this actor-critic needs "
          + off.total());
    }
    if (encoder != null) {
      encoder.load(p, off.policyEncoder());
    }
    kernel.load(p, off.policyCore());
    head.load(p, off.policyHead());
    version = snapshot.version();
  }

  @Override
  public long paramVersion() {
    return version;
  }

  @Override
  public void act(float[] obs, int[] prevAction, float[] prevReward, int[] actions) {
    if (version < 0) {
      throw new IllegalStateException("act before load: no parameters");
    }
    float[] x = obs;
    int ldx = spec.inputSize();
    if (enc != null) {
      enc.forward(obs, 0, ldx);
      x = enc.output();
      ldx = enc.outputLd();
    }
    float[] t = before;
    before = state;
    state = t;
    kernel.step(n, x, 0, ldx, before, state);
    headActing.forward(n, state, 0, stateSize);
    Categorical.choose(n, na, headActing.logProbs(), greedy, rng, actions, chosen);
  }

  /** Every env's log-probabilities from the last {@link #act}, dense {@code [N x numActions]}. */
  @Override
  public float[] logProbs() {
    return headActing.logProbs();
  }

  /** The log-probability of the action env {@code i} took in the last {@link #act}. */
  public float chosenLogProb(int i) {
    return chosen[i];
  }

  /** The log-probabilities are what a sequence stores of this policy. */
  @Override
  public float[] behaviourLogits() {
    return headActing.logProbs();
  }

  @Override
  public void copyStateBefore(int env, float[] dst, int dstOff) {
    System.arraycopy(before, env * stateSize, dst, dstOff, stateSize);
  }

  /** Copies env {@code env}'s current state (after the last {@link #act}). */
  public void copyState(int env, float[] dst, int dstOff) {
    System.arraycopy(state, env * stateSize, dst, dstOff, stateSize);
  }

  @Override
  public void resetState(int env) {
    Arrays.fill(state, env * stateSize, (env + 1) * stateSize, 0f);
  }

  @Override
  public void resetAllStates() {
    Arrays.fill(state, 0f);
  }

  /** Every env's recurrent state and the sampling stream. */
  @Override
  public void writeState(java.io.DataOutput out) throws java.io.IOException {
    out.writeInt(n);
    out.writeInt(stateSize);
    StateIo.writeFloats(out, state, 0, state.length);
    out.writeLong(rng.state());
  }

  @Override
  public void readState(java.io.DataInput in) throws java.io.IOException {
    int envs = in.readInt();
    int size = in.readInt();
    if (envs != n || size != stateSize) {
      throw new IllegalStateException("the saved policy acted for " + envs + " envs with states of " + size
          + " floats; this one for " + n + " with " + stateSize);
    }
    StateIo.readFloats(in, state, 0, state.length);
    rng.setState(in.readLong());
  }
}
