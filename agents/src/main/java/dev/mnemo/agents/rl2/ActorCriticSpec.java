package dev.mnemo.agents.rl2;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.blocks.PolicyHead;
import dev.mnemo.agents.blocks.ValueHead;
import dev.mnemo.agents.core.RecurrentCore;
import dev.mnemo.agents.core.RecurrentCores;
import dev.mnemo.agents.kernel.ScalarOps;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The shape of RL²'s recurrent actor-critic and its one flat parameter layout, shared by the training form
 * ({@link RecurrentActorCritic}) and the acting form ({@link ActorCriticPolicy}):
 *
 * <pre>
 *   x_t  = the env's observation (a MetaTrial's already holds [obs, onehot(a_{t-1}), r_{t-1}, d_t])
 *   e_t  = relu(... relu(x_t W_enc0 + b_enc0) ...)          one Dense+ReLU per encoderSizes entry (maybe none)
 *   s_t  = core(e_t, s_{t-1}),  h_t = first coreSize floats of s_t,  s_{-1} = 0 at the trial's start
 *   log pi(.|h_t) = logsoftmax(PolicyHead(h_t))             [numActions]
 *   V(h_t)        = ValueHead(h_t)                          [1]
 * </pre>
 * With {@code separateValueNetwork} (the default of the reproduction that matched the paper) the value has
 * its own encoder and core ({@code v.*}) reading the same x_t, so the policy's gradient never flows through
 * the value's features; otherwise one trunk feeds both heads. Flat order: policy tower ({@code pi.enc*},
 * {@code pi.<core>.*}), policy head ({@code pi.head.*}), then the value tower ({@code v.enc*},
 * {@code v.<core>.*}, separate only) and the value head ({@code v.head.*}). Actors run the policy tower and
 * head only, so the acting state is one core's state.
 *
 * @param inputSize floats per observation x_t
 * @param numActions discrete actions
 * @param encoderSizes Dense+ReLU widths before the core (may be empty)
 * @param coreName the core's config name ({@code ln_gru}, {@code gru}, {@code lstm}, {@code elman}, {@code indrnn},
 *     {@code linattn}, {@code fwp}, {@code lmu}, {@code s4d}, {@code framestack}, {@code mlp})
 * @param coreSize the core's hidden size H
 * @param headSizes hidden Dense+ReLU widths of each head (may be empty: linear heads)
 * @param separateValueNetwork whether the value has its own encoder and core
 */
public record ActorCriticSpec(int inputSize, int numActions, List<Integer> encoderSizes, String coreName,
    int coreSize, List<Integer> headSizes, boolean separateValueNetwork) {

  public ActorCriticSpec {
    if (inputSize < 1 || numActions < 2 || coreSize < 1) {
      throw new IllegalArgumentException("need inputSize >= 1, numActions >= 2, coreSize >= 1; got inputSize="
          + inputSize + ", numActions=" + numActions + ", coreSize=" + coreSize);
    }
    encoderSizes = List.copyOf(encoderSizes);
    headSizes = List.copyOf(headSizes);
    for (List<Integer> l : List.of(encoderSizes, headSizes)) {
      for (int s : l) {
        if (s < 1) {
          throw new IllegalArgumentException("layer widths must be positive, got " + l);
        }
      }
    }
    RecurrentCores.create(coreName, 1, 1); // fails early, naming the known cores
  }

  /** Width of the core's input e_t. */
  public int coreInputSize() {
    return encoderSizes.isEmpty() ? inputSize : encoderSizes.get(encoderSizes.size() - 1);
  }

  /** The recurrent core of each tower (a value: equal specs give equal cores). */
  public RecurrentCore core() {
    return RecurrentCores.create(coreName, coreInputSize(), coreSize);
  }

  /** Floats of recurrent state an actor carries per env: the policy core's state. */
  public int actingStateSize() {
    return core().stateSize();
  }

  /** Parameters of one tower's encoder. */
  public int encoderParamCount() {
    int n = 0;
    int in = inputSize;
    for (int w : encoderSizes) {
      n += (in + 1) * w;
      in = w;
    }
    return n;
  }

  /** Where each block starts in the flat layout. */
  public Offsets offsets() {
    int enc = encoderParamCount();
    int core = core().paramCount();
    int piHead = policyHead().paramCount();
    int vHead = valueHead().paramCount();
    int piEnc = 0;
    int piCore = enc;
    int piHeadOff = piCore + core;
    int vEnc = separateValueNetwork ? piHeadOff + piHead : piEnc;
    int vCore = separateValueNetwork ? vEnc + enc : piCore;
    int vHeadOff = separateValueNetwork ? vCore + core : piHeadOff + piHead;
    return new Offsets(piEnc, piCore, piHeadOff, vEnc, vCore, vHeadOff, vHeadOff + vHead);
  }

  /**
   * Block offsets in the flat parameters; with a shared trunk {@code valueEncoder == policyEncoder} and
   * {@code valueCore == policyCore}.
   */
  public record Offsets(int policyEncoder, int policyCore, int policyHead, int valueEncoder, int valueCore,
      int valueHead, int total) {

    /** Parameters the actors need: the policy tower and head, which come first. */
    public int actingParamCount() {
      return valueEncoder > policyHead ? valueEncoder : valueHead;
    }
  }

  public int paramCount() {
    return offsets().total();
  }

  /** Every tensor in flat order. */
  public List<ParamTensor> layout() {
    Offsets o = offsets();
    List<ParamTensor> out = new ArrayList<>();
    String piPrefix = separateValueNetwork ? "pi." : "";
    tower(out, piPrefix, o.policyEncoder(), o.policyCore());
    shift(out, policyHead().layout("pi.head"), o.policyHead());
    if (separateValueNetwork) {
      tower(out, "v.", o.valueEncoder(), o.valueCore());
    }
    shift(out, valueHead().layout("v.head"), o.valueHead());
    return Collections.unmodifiableList(out);
  }

  /** The value head's last layer's weights {@code [in, 1]} (what {@link PopArt} rescales). */
  public ParamTensor valueOutputWeights() {
    List<ParamTensor> l = layout();
    return l.get(l.size() - 2);
  }

  /** The value head's output bias {@code [1, 1]}. */
  public ParamTensor valueOutputBias() {
    List<ParamTensor> l = layout();
    return l.get(l.size() - 1);
  }

  private void tower(List<ParamTensor> out, String prefix, int encOff, int coreOff) {
    int in = inputSize;
    int off = encOff;
    for (int k = 0; k < encoderSizes.size(); k++) {
      int w = encoderSizes.get(k);
      out.add(new ParamTensor(prefix + "enc" + k + ".W", in, w, off));
      out.add(new ParamTensor(prefix + "enc" + k + ".b", 1, w, off + in * w));
      off += (in + 1) * w;
      in = w;
    }
    for (ParamTensor t : core().layout()) {
      out.add(new ParamTensor(prefix + t.name(), t.rows(), t.cols(), coreOff + t.offset()));
    }
  }

  private static void shift(List<ParamTensor> out, List<ParamTensor> block, int off) {
    for (ParamTensor t : block) {
      out.add(new ParamTensor(t.name(), t.rows(), t.cols(), off + t.offset()));
    }
  }

  /**
   * Seeded initial parameters, one random stream in flat order: Glorot-uniform encoder weights with zero
   * biases, the core's own initialisation, the policy head's output layer at gain 0.01 (a near-uniform first
   * policy), the value head a plain Glorot layer.
   */
  public float[] initialParams(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Offsets o = offsets();
    float[] p = new float[o.total()];
    RecurrentCore core = core();
    initEncoder(p, o.policyEncoder(), rng);
    core.initialize(p, o.policyCore(), rng);
    policyHead().initialize(p, o.policyHead(), rng);
    if (separateValueNetwork) {
      initEncoder(p, o.valueEncoder(), rng);
      core.initialize(p, o.valueCore(), rng);
    }
    valueHead().initialize(p, o.valueHead(), rng);
    return p;
  }

  /**
   * {@link #initialParams(long)} with each tower's core keep gate biased to {@code keepBias} ({@link
   * RecurrentCore#setKeepGateBias}); 0 leaves the core's own initialisation (the same parameters as {@code
   * initialParams(seed)}: the random stream is not touched).
   */
  public float[] initialParams(long seed, double keepBias) {
    float[] p = initialParams(seed);
    if (keepBias != 0) {
      Offsets o = offsets();
      RecurrentCore core = core();
      core.setKeepGateBias(p, o.policyCore(), (float) keepBias);
      if (separateValueNetwork) {
        core.setKeepGateBias(p, o.valueCore(), (float) keepBias);
      }
    }
    return p;
  }

  private void initEncoder(float[] p, int off, SplittableRandom rng) {
    int in = inputSize;
    for (int w : encoderSizes) {
      RecurrentCore.glorot(p, off, in, w, w, rng);
      off += (in + 1) * w; // the bias row stays zero
      in = w;
    }
  }

  /** Multiply-adds of one step's forward for one row (policy and value), for FLOP counts. */
  public long macsPerStep() {
    long enc = 0;
    int in = inputSize;
    for (int w : encoderSizes) {
      enc += (long) in * w;
      in = w;
    }
    long tower = enc + core().macsPerStep();
    long heads = headMacs(numActions) + headMacs(1);
    return (separateValueNetwork ? 2 * tower : tower) + heads;
  }

  private long headMacs(int out) {
    long m = 0;
    int in = coreSize;
    for (int w : headSizes) {
      m += (long) in * w;
      in = w;
    }
    return m + (long) in * out;
  }

  // Heads for layout and initialisation only (their packed weights are never loaded: scalar lanes suffice).
  private PolicyHead policyHead() {
    return new PolicyHead(new ScalarOps(), coreSize, headSizes, numActions);
  }

  private ValueHead valueHead() {
    return new ValueHead(new ScalarOps(), coreSize, headSizes);
  }
}
