package dev.mnemo.agents.transformer;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.acting.Categorical;
import dev.mnemo.agents.acting.CategoricalPolicy;
import dev.mnemo.agents.blocks.PolicyHead;
import dev.mnemo.agents.blocks.ValueHead;
import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.envs.SplitMixRandom;
import dev.mnemo.envs.StateIo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * {@link TransformerActorCritic}'s acting form over N envs (the Transformer-only baseline's actors): per step the
 * trunk's acting kernel ({@link GtrxlKernel}, one new row per env attending over its key/value cache), the policy
 * and value heads on its output row, then an action drawn from {@code pi(.|x_<=t)} (or the most probable one when
 * {@code greedy}):
 * <pre>
 *   E_t = kernel.step(x_t),   log pi(.|x_<=t) = log softmax(pi_head(E_t)),   V_t = v_head(E_t)
 * </pre>
 * For every step this gives the log-probabilities and value {@link TransformerActorCritic.Pass} gives for that step
 * when the env's episode is read as the learner reads it: from its first step, in segments of {@code T} steps, each
 * attending over the memory of {@code M} rows the previous one left, the first from an empty memory (float rounding
 * apart: 1e-5 in the tests). An episode start is {@link #resetState}: the env's window, cache and memory are
 * forgotten and its next step is step 0 of a segment.
 *
 * <p>It reads the observation alone ({@code prevAction} / {@code prevReward} of {@link #act} are not used: an
 * env that wants them in the input puts them in its observation). After each {@link #act}, {@link #logProbs()}
 * holds every env's log-probabilities (the behaviour policy a PPO learner stores), {@link #chosenLogProb} the
 * chosen action's and {@link #value} the value. The recurrent state is the kernel's ({@link GtrxlKernel#stateSize},
 * the window rows and two counters); the state before a step is not kept (it would cost a copy of every env's
 * window per step), so {@link #copyStateBefore} refuses: a Transformer actor's episodes are stored whole, from
 * their empty start. Parameters loaded mid-episode keep the window rows (see {@link GtrxlKernel#load}).
 * Allocation-free per step; not thread-safe.
 */
public final class TransformerActorCriticPolicy implements CategoricalPolicy {

  private final TransformerActorCritic net;
  private final int n;
  private final int na;
  private final int d;
  private final int in;
  private final boolean greedy;
  private final GtrxlKernel kernel;
  private final PolicyHead policyHead;
  private final PolicyHead.Acting policyActing;
  private final ValueHead valueHead;
  private final ValueHead.Acting valueActing;
  private final SplitMixRandom rng;
  /** No step is flagged as an episode start: a start is a {@link #resetState}, which empties the env's window. */
  private final boolean[] noStarts;
  private final float[] out;
  private final float[] chosen;
  private final float[] stateRow;
  private long version = -1;

  /** On the best {@link BatchOps} of this machine. */
  public TransformerActorCriticPolicy(TransformerActorCritic net, int n, long seed, boolean greedy) {
    this(net, n, seed, greedy, BatchOps.best());
  }

  /**
   * @param n envs per step
   * @param seed the action-sampling stream
   * @param greedy take the most probable action instead of sampling
   */
  public TransformerActorCriticPolicy(TransformerActorCritic net, int n, long seed, boolean greedy, BatchOps ops) {
    if (n < 1) {
      throw new IllegalArgumentException("envs n must be >= 1, got " + n);
    }
    GtrxlTrunk trunk = net.trunk();
    this.net = net;
    this.n = n;
    this.na = net.numActions();
    this.d = trunk.width();
    this.in = trunk.inputWidth();
    this.greedy = greedy;
    this.kernel = trunk.newKernel(n, ops);
    this.policyHead = new PolicyHead(ops, d, net.headHidden(), na);
    this.policyActing = policyHead.newActing(n);
    this.valueHead = new ValueHead(ops, d, net.headHidden());
    this.valueActing = valueHead.newActing(n);
    this.rng = new SplitMixRandom(seed);
    this.noStarts = new boolean[n];
    this.out = new float[n * d];
    this.chosen = new float[n];
    this.stateRow = new float[kernel.stateSize()];
  }

  @Override
  public int batch() {
    return n;
  }

  @Override
  public int stateSize() {
    return kernel.stateSize();
  }

  /** Loads the whole actor-critic ({@link TransformerActorCritic#layout}: trunk, policy head, value head). */
  @Override
  public void load(ParamSnapshot snapshot) {
    float[] p = snapshot.params();
    if (p.length != net.paramCount()) {
      throw new IllegalArgumentException("parameter snapshot has " + p.length + " floats, this Transformer "
          + "actor-critic needs " + net.paramCount());
    }
    kernel.load(p, 0);
    policyHead.load(p, net.policyOffset());
    valueHead.load(p, net.valueOffset());
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
    if (obs.length < n * in) {
      throw new IllegalArgumentException("act needs " + n + " observations of " + in + " floats, got "
          + obs.length + " floats");
    }
    kernel.step(obs, noStarts, out);
    policyActing.forward(n, out, 0, d);
    valueActing.forward(n, out, 0, d);
    Categorical.choose(n, na, policyActing.logProbs(), greedy, rng, actions, chosen);
  }

  @Override
  public float[] logProbs() {
    return policyActing.logProbs();
  }

  /** The log-probabilities are what a sequence stores of this policy. */
  @Override
  public float[] behaviourLogits() {
    return policyActing.logProbs();
  }

  /** The log-probability of the action env {@code i} took in the last {@link #act}. */
  public float chosenLogProb(int i) {
    return chosen[i];
  }

  /** Env {@code i}'s value {@code V_t} from the last {@link #act}. */
  public float value(int i) {
    return valueActing.value(i);
  }

  /** Refused: the state before a step is not kept (see the class comment). */
  @Override
  public void copyStateBefore(int env, float[] dst, int off) {
    throw new UnsupportedOperationException("a Transformer actor keeps no state from before its last step (it would"
        + " copy every env's window per step); store its episodes whole, from their empty start");
  }

  /** Env {@code env}'s state after the last {@link #act} ({@link GtrxlKernel#copyState}). */
  public void copyState(int env, float[] dst, int off) {
    kernel.copyState(env, dst, off);
  }

  /** Env {@code env}'s episode starts: its window, cache and memory are emptied; its next step starts a segment. */
  @Override
  public void resetState(int env) {
    kernel.resetEnv(env);
  }

  @Override
  public void resetAllStates() {
    kernel.resetAll();
  }

  /** Every env's kernel state and the sampling stream. */
  @Override
  public void writeState(DataOutput o) throws IOException {
    o.writeInt(n);
    o.writeInt(stateRow.length);
    for (int i = 0; i < n; i++) {
      kernel.copyState(i, stateRow, 0);
      StateIo.writeFloats(o, stateRow, 0, stateRow.length);
    }
    o.writeLong(rng.state());
  }

  @Override
  public void readState(DataInput src) throws IOException {
    int envs = src.readInt();
    int size = src.readInt();
    if (envs != n || size != stateRow.length) {
      throw new IllegalStateException("the saved policy acted for " + envs + " envs with states of " + size
          + " floats; this one for " + n + " with " + stateRow.length);
    }
    for (int i = 0; i < n; i++) {
      StateIo.readFloats(src, stateRow, 0, stateRow.length);
      kernel.setState(i, stateRow, 0);
    }
    rng.setState(src.readLong());
  }
}
