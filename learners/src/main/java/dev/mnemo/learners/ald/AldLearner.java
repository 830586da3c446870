package dev.mnemo.learners.ald;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.ald.PolicyDistillation;
import dev.mnemo.agents.ald.ProximalCorrection;
import dev.mnemo.agents.rl2.ActorCriticSpec;
import dev.mnemo.agents.rl2.Gae;
import dev.mnemo.agents.rl2.PpoLoss;
import dev.mnemo.agents.rl2.RecurrentActorCritic;
import dev.mnemo.agents.transformer.GtrxlTrunk;
import dev.mnemo.agents.transformer.TransformerActorCritic;
import dev.mnemo.envs.SplitMixRandom;
import dev.mnemo.learners.optim.AdamW;
import dev.mnemo.learners.optim.GlobalNormClip;
import dev.mnemo.learners.rl2.TrialBatch;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Actor-Learner Distillation's learner (Parisotto and Salakhutdinov 2021) on whole episodes, and the two baselines
 * the ALD experiment compares it with; {@link Mode} says which. In every mode each update trains by PPO on the batch
 * the acting policy collected, with GAE from the Transformer's values ({@link TransformerActorCritic}) and the
 * clipped surrogate's importance ratios {@code pi(a) / mu(a)} against the probabilities {@code mu} the acting policy
 * logged; the modes differ in which network the surrogate trains and which one acts:
 * <ul>
 *   <li>{@link Mode#ALD}: the surrogate trains the Transformer, whose ratios are against the LSTM actor's {@code mu}
 *       (PPO-clipped rather than V-trace: the actor is refreshed after every update, so the data is at most one
 *       distillation behind, and the clip bounds the step where the two policies differ), optionally plus
 *       {@code lambda KL(mu || pi_L)} pulling the learner toward the actor (with {@code mu = pi_A} on these steps);
 *       then the updated Transformer is distilled into the LSTM actor ({@link RecurrentActorCritic}) on the same
 *       steps, for {@code distillSteps} steps: {@code alpha KL(pi_L || pi_A) + beta (V_A - V_L)^2 / 2}
 *       ({@link PolicyDistillation}). The actor never sees an RL loss: what it learns, it learns from the
 *       Transformer. Actors act with the LSTM; the Transformer's parameters are never published.
 *   <li>{@link Mode#TRANSFORMER_ONLY}: the same PPO step of the Transformer, on its own episodes (its ratios are
 *       against its own behaviour probabilities: on-policy PPO); no LSTM, no distillation; the Transformer's
 *       parameters are published and actors act with it ({@code TransformerActorCriticPolicy}).
 *   <li>{@link Mode#ASYMMETRIC}: an asymmetric actor-critic: the surrogate (with its entropy bonus) trains the LSTM's
 *       policy, its ratios against the LSTM's own logged {@code mu}, with advantages from the Transformer's values;
 *       the Transformer trains on the value loss alone (its policy head is unused). The LSTM's own value head gets
 *       no gradient. Both networks step with {@code learnerLr}; the LSTM is published and acts.
 * </ul>
 * One PPO step serves all three: per step of a minibatch {@link PpoLoss#step} takes the log-probabilities of the
 * network the surrogate trains (the Transformer's, or the LSTM's in the asymmetric mode) and the Transformer's value,
 * and hands each gradient to its network.
 *
 * <p>The Transformer reads each episode segment by segment ({@code T} steps each, the last padded), each segment
 * attending over the memory the previous one left ({@code M} rows per layer, Transformer-XL's stop-gradient: the
 * losses of a segment train through that segment only); each episode starts from an empty memory and a zero LSTM
 * state; the LSTM reads whole episodes (BPTT over each). Both networks use AdamW with global-norm clipping.
 *
 * <p>With {@code distillThread} (ALD only), the distillation of update k runs on its own thread while update k + 1's
 * RL step runs on the caller's (ALD's point: raising {@code distillSteps} then costs no learner time until
 * distillation is the longer of the two); the actor published after update k + 1 is the one distilled from update
 * k's learner. The two stages hand over at fixed points (the distillation is joined before the next one starts), so a
 * run is deterministic given the seed either way. Call {@link #close} to stop the thread.
 *
 * <p>{@link #save} and {@link #restore} carry the learner's whole state (both networks, their optimisers, the
 * minibatch shuffle's position, the published parameters), so a restored learner continues bit-identically to one
 * that never stopped. Not thread-safe.
 */
public final class AldLearner implements AutoCloseable {

  /** Which network PPO trains and which one acts (see the class comment). */
  public enum Mode {
    /** PPO trains the Transformer on the LSTM actor's episodes; the LSTM is distilled from it and acts. */
    ALD("ald"),
    /** PPO trains the Transformer on its own episodes; the Transformer acts. */
    TRANSFORMER_ONLY("transformer_only"),
    /** PPO trains the LSTM's policy with the Transformer as its value function; the LSTM acts. */
    ASYMMETRIC("asymmetric");

    private final String configName;

    Mode(String configName) {
      this.configName = configName;
    }

    /** The name configs use ({@code mode = ...}). */
    public String configName() {
      return configName;
    }

    /** The mode a config names. */
    public static Mode of(String name) {
      for (Mode m : values()) {
        if (m.configName.equals(name)) {
          return m;
        }
      }
      throw new IllegalArgumentException("unknown ALD mode '" + name + "': one of ald, transformer_only, asymmetric");
    }

    /** Whether the actors act with the Transformer (else with the LSTM). */
    public boolean actsWithTransformer() {
      return this == TRANSFORMER_ONLY;
    }
  }

  /**
   * What ALD's PPO step clips the learner's ratio against (the other modes act with the policy they train, so there it
   * changes nothing).
   *
   * @param proximal false: the actor's logged behaviour probabilities {@code mu} (ratio {@code pi / mu}); true: the
   *     learner's own policy before the update ({@link ProximalCorrection}: ratio {@code pi / pi_prox}, the advantage
   *     weighted by {@code min(pi_prox / mu, rhoMax)})
   * @param rhoMax the importance weight's truncation (used when {@code proximal}), > 0
   */
  public record Correction(boolean proximal, double rhoMax) {
    /** Clip against the actor's logged probabilities (PPO with the actor as the behaviour policy). */
    public static final Correction BEHAVIOUR = new Correction(false, 1);

    public Correction {
      if (!(rhoMax > 0)) {
        throw new IllegalArgumentException("the importance weight's truncation must be > 0, got " + rhoMax);
      }
    }
  }

  /**
   * @param ppo the PPO loss (of the Transformer; in the asymmetric mode its surrogate and entropy terms train the
   *     LSTM's policy and its value term the Transformer)
   * @param alpha weight of the policy distillation KL
   * @param beta weight of the value distillation
   * @param learnerLr the Transformer's step size (asymmetric: the LSTM's too)
   * @param actorLr the LSTM's distillation step size (ALD only)
   * @param lambda weight of the learner's pull toward the actor (0: none; ALD only)
   * @param distillSteps distillation steps of the actor per learner update (ALD only)
   * @param distillThread distil on a thread of its own, overlapped with the next update's RL step (the actors then
   *     act with parameters one distillation older); false: in turn, on the caller's thread (ALD only)
   * @param distillMinibatches the batch's episodes split into this many fixed minibatches of consecutive episodes
   *     (the batch's episodes are independent draws), distillation step {@code s} taking minibatch
   *     {@code s mod distillMinibatches}: each step then costs {@code 1 / distillMinibatches} of a full-batch step,
   *     so more, smaller steps fit the same time (1: every step on the whole batch; ALD only)
   * @param correction what the learner's PPO ratio is clipped against (ALD only)
   * @param mode which network PPO trains and which acts
   */
  public record Config(double gamma, double gaeLambda, PpoLoss ppo, int epochs, int minibatches, double learnerLr,
      double actorLr, double adamEps, double weightDecay, double maxGradNorm, double alpha, double beta,
      double lambda, int distillSteps, boolean distillThread, int distillMinibatches, Correction correction,
      long seed, Mode mode) {
    public Config {
      if (correction == null) {
        throw new IllegalArgumentException("correction must be given (Correction.BEHAVIOUR: the actor's mu)");
      }
      if (epochs < 1 || minibatches < 1 || distillSteps < 0 || distillMinibatches < 1 || !(learnerLr > 0)
          || !(actorLr > 0)) {
        throw new IllegalArgumentException("ALD needs epochs, minibatches, distillMinibatches >= 1, distillSteps >= 0 "
            + "and positive step sizes, got " + epochs + ", " + minibatches + ", " + distillMinibatches + ", "
            + distillSteps + ", " + learnerLr + ", " + actorLr);
      }
      if (mode == null) {
        throw new IllegalArgumentException("mode must be one of " + java.util.Arrays.toString(Mode.values()));
      }
      if (mode != Mode.ALD && lambda > 0) {
        throw new IllegalArgumentException("the learner's pull toward the actor (lambda " + lambda + ") is ALD's; "
            + mode.configName() + " has no separate actor to pull toward");
      }
    }

    /** Clipped against the actor's {@code mu} ({@link Correction#BEHAVIOUR}). */
    public Config(double gamma, double gaeLambda, PpoLoss ppo, int epochs, int minibatches, double learnerLr,
        double actorLr, double adamEps, double weightDecay, double maxGradNorm, double alpha, double beta,
        double lambda, int distillSteps, boolean distillThread, int distillMinibatches, long seed, Mode mode) {
      this(gamma, gaeLambda, ppo, epochs, minibatches, learnerLr, actorLr, adamEps, weightDecay, maxGradNorm, alpha,
          beta, lambda, distillSteps, distillThread, distillMinibatches, Correction.BEHAVIOUR, seed, mode);
    }

    /** Every distillation step on the whole batch ({@code distillMinibatches} 1), clipped against the actor's mu. */
    public Config(double gamma, double gaeLambda, PpoLoss ppo, int epochs, int minibatches, double learnerLr,
        double actorLr, double adamEps, double weightDecay, double maxGradNorm, double alpha, double beta,
        double lambda, int distillSteps, boolean distillThread, long seed, Mode mode) {
      this(gamma, gaeLambda, ppo, epochs, minibatches, learnerLr, actorLr, adamEps, weightDecay, maxGradNorm, alpha,
          beta, lambda, distillSteps, distillThread, 1, Correction.BEHAVIOUR, seed, mode);
    }

    /** ALD itself ({@link Mode#ALD}), every distillation step on the whole batch. */
    public Config(double gamma, double gaeLambda, PpoLoss ppo, int epochs, int minibatches, double learnerLr,
        double actorLr, double adamEps, double weightDecay, double maxGradNorm, double alpha, double beta,
        double lambda, int distillSteps, boolean distillThread, long seed) {
      this(gamma, gaeLambda, ppo, epochs, minibatches, learnerLr, actorLr, adamEps, weightDecay, maxGradNorm, alpha,
          beta, lambda, distillSteps, distillThread, 1, Correction.BEHAVIOUR, seed, Mode.ALD);
    }
  }

  /**
   * One update's figures; NaN where the mode has no such figure. With {@code distillThread} the distillation's are
   * those of the distillation the update joined: the previous update's.
   *
   * @param learnerEntropy mean entropy per valid step of the policy PPO trained, after the update (the Transformer's;
   *     asymmetric: the LSTM's)
   * @param distillKl the last distillation step's mean {@code KL(pi_L || pi_A)} (ALD)
   * @param valueError the last distillation step's mean {@code (V_A - V_L)^2} (ALD)
   * @param learnerGradNorm the Transformer's gradient norm before clipping, last minibatch
   * @param actorGradNorm the LSTM's gradient norm before clipping: the last distillation step's (ALD), the last
   *     minibatch's (asymmetric)
   */
  public record Stats(long updates, double learnerEntropy, double distillKl, double valueError, double learnerGradNorm,
      double actorGradNorm) {
  }

  private final TransformerActorCritic learner;
  private final float[] lp;
  private final float[] lGrad;
  private final AdamW lAdam;
  /** The LSTM (ALD, asymmetric; null in {@link Mode#TRANSFORMER_ONLY}). */
  private final LstmActor lstm;
  /** ALD's distillation stage (null in the other modes). */
  private final ActorDistillation distillation;
  private final Config cfg;
  private final int trials;
  private final int time;
  private final int in;
  private final int na;
  private final int mbTrials;
  private final TransformerActorCritic.Pass fullPass;
  private final TransformerActorCritic.Pass mbPass;
  private final GtrxlTrunk.Memory fullMemory;
  private final GtrxlTrunk.Memory mbMemory;
  private final int seg;
  private final int segments;
  private final float[] xFull;
  private final float[] xSegFull;
  private final float[] xSegMb;
  private final boolean[] startsFirstFull;
  private final boolean[] startsFirstMb;
  private final boolean[] noStartsFull;
  private final boolean[] noStartsMb;
  private final float[] segGrad;
  private final float[] values;
  /** ALD with {@link Correction#proximal}: the learner's log-probabilities before the update, rows b * time + t. */
  private final float[] proxLogp;
  private final float[] rewards;
  private final float[] adv;
  private final float[] ret;
  /** The updated Transformer over the whole batch (the next teacher, and the entropy's policy), rows b * time + t. */
  private final float[] teacherLogp;
  private final float[] teacherV;
  private ParamSnapshot published;
  private final float[] dz;
  private final float[] dv;
  private final float[] dzReg;
  private final float[] muRow;
  /** Asymmetric mode: the LSTM over a minibatch's episodes, its dLoss/dlogits and its (zero) dLoss/dV. */
  private final RecurrentActorCritic.Workspace actorMbWs;
  private final float[] aDzMb;
  private final float[] aDvMb;
  private final int[] order;
  /** SplittableRandom's stream (runs made before checkpoints existed draw the same minibatches), state saved. */
  private final SplitMixRandom shuffle;
  private long updates;

  /**
   * @param actorSpec the LSTM's shape, null in {@link Mode#TRANSFORMER_ONLY} (which has no LSTM)
   * @param actorParams its initial parameters, null with it
   */
  public AldLearner(TransformerActorCritic learner, float[] learnerParams, ActorCriticSpec actorSpec,
      float[] actorParams, Config cfg, int trials, int time) {
    GtrxlTrunk trunk = learner.trunk();
    if (trials % cfg.minibatches() != 0) {
      throw new IllegalArgumentException(trials + " trials do not split into " + cfg.minibatches() + " minibatches");
    }
    if (trials % cfg.distillMinibatches() != 0) {
      throw new IllegalArgumentException(trials + " trials do not split into " + cfg.distillMinibatches()
          + " distillation minibatches");
    }
    boolean withLstm = !cfg.mode().actsWithTransformer();
    if (withLstm != (actorSpec != null && actorParams != null)) {
      throw new IllegalArgumentException(cfg.mode().configName() + (withLstm ? " needs" : " has no")
          + " LSTM actor");
    }
    this.learner = learner;
    this.lp = learnerParams.clone();
    this.lGrad = new float[lp.length];
    this.lAdam = new AdamW(lp.length, cfg.adamEps(), cfg.weightDecay());
    this.cfg = cfg;
    this.trials = trials;
    this.time = time;
    this.in = trunk.inputWidth();
    this.na = learner.numActions();
    this.mbTrials = trials / cfg.minibatches();
    int n = trials * time;
    if (withLstm) {
      if (actorSpec.inputSize() != in || actorSpec.numActions() != na) {
        throw new IllegalArgumentException("the LSTM reads " + actorSpec.inputSize() + " floats and has "
            + actorSpec.numActions() + " actions; the Transformer " + in + " and " + na);
      }
      this.lstm = new LstmActor(actorSpec, actorParams, cfg.adamEps(), cfg.weightDecay(), trials, time);
    } else {
      this.lstm = null;
    }
    this.distillation = cfg.mode() == Mode.ALD ? new ActorDistillation(lstm, cfg, trials, time, na) : null;
    boolean asymmetric = cfg.mode() == Mode.ASYMMETRIC;
    this.actorMbWs = asymmetric ? lstm.workspace(mbTrials) : null;
    this.aDzMb = asymmetric ? new float[mbTrials * time * na] : null;
    this.aDvMb = asymmetric ? new float[mbTrials * time] : null;
    this.fullPass = learner.newPass(trials);
    this.mbPass = learner.newPass(mbTrials);
    this.fullMemory = trunk.newMemory(trials);
    this.mbMemory = trunk.newMemory(mbTrials);
    this.seg = trunk.segment();
    this.segments = (time + seg - 1) / seg;
    this.xFull = new float[n * in];
    this.xSegFull = new float[trials * seg * in];
    this.xSegMb = new float[mbTrials * seg * in];
    this.startsFirstFull = new boolean[trials * seg];
    this.startsFirstMb = new boolean[mbTrials * seg];
    this.noStartsFull = new boolean[trials * seg];
    this.noStartsMb = new boolean[mbTrials * seg];
    for (int b = 0; b < trials; b++) {
      startsFirstFull[b * seg] = true;
    }
    for (int b = 0; b < mbTrials; b++) {
      startsFirstMb[b * seg] = true;
    }
    this.segGrad = new float[lp.length];
    this.values = new float[n];
    this.proxLogp = cfg.mode() == Mode.ALD && cfg.correction().proximal() ? new float[n * na] : null;
    this.rewards = new float[n];
    this.adv = new float[n];
    this.ret = new float[n];
    this.teacherLogp = new float[n * na];
    this.teacherV = new float[n];
    this.published = new ParamSnapshot(withLstm ? lstm.paramsCopy() : lp.clone(), 0);
    this.dz = new float[mbTrials * seg * na];
    this.dv = new float[mbTrials * seg];
    this.dzReg = new float[na];
    this.muRow = new float[na];
    this.order = new int[trials];
    this.shuffle = new SplitMixRandom(cfg.seed());
  }

  /**
   * The published parameters, what the actors act with: the LSTM's in {@link Mode#ALD} and {@link Mode#ASYMMETRIC}
   * (ALD never publishes the Transformer's), the Transformer's in {@link Mode#TRANSFORMER_ONLY}. Its version is
   * {@link #updates()} (with {@code distillThread} too, whose actor is the one distilled from the previous update).
   */
  public ParamSnapshot actingSnapshot() {
    return published;
  }

  public Mode mode() {
    return cfg.mode();
  }

  /** The Transformer actor-critic (the learner; what acts in {@link Mode#TRANSFORMER_ONLY}). */
  public TransformerActorCritic transformer() {
    return learner;
  }

  /**
   * Waits for a distillation under way and stops the distillation thread; when this returns the thread has ended
   * (unless the caller was interrupted), also when the distillation failed.
   */
  @Override
  public void close() {
    if (distillation != null) {
      distillation.close();
    }
  }

  public float[] learnerParams() {
    return lp.clone();
  }

  /** The LSTM actor's shape; null in {@link Mode#TRANSFORMER_ONLY}. */
  public ActorCriticSpec actorSpec() {
    return lstm == null ? null : lstm.spec();
  }

  public long updates() {
    return updates;
  }

  /**
   * Writes the learner's whole state to {@code file} atomically ({@link AldStateFile}). A distillation under way on
   * the distillation thread is joined first: it writes the actor's side only, which the next update reads only after
   * joining it, so joining early changes nothing the learner computes.
   */
  public void save(Path file) {
    join();
    boolean withLstm = lstm != null;
    boolean distils = distillation != null;
    AldStateFile.write(file, new AldState(shape(), updates, lp.clone(), lAdam.state(),
        withLstm ? lstm.paramsCopy() : null, withLstm ? lstm.adamState() : null, published, shuffle.state(),
        distils ? distillation.lastKl() : 0, distils ? distillation.lastValueError() : 0,
        distils ? distillation.lastActorNorm() : 0));
  }

  /**
   * Continues from what {@link #save} wrote, refusing (before changing anything) a file written for a learner of
   * another shape, with the file and both shapes named.
   */
  public void restore(Path file) {
    join(); // a distillation under way would otherwise write the actor after the restore
    AldState s = AldStateFile.read(file, shape(), lp.length, lstm == null ? 0 : lstm.paramCount(),
        published.params().length);
    System.arraycopy(s.learnerParams(), 0, lp, 0, lp.length);
    lAdam.restore(s.learnerAdam());
    if (lstm != null) {
      lstm.restore(s.actorParams(), s.actorAdam());
    }
    published = s.published();
    shuffle.setState(s.shuffle());
    if (distillation != null) {
      distillation.restoreFigures(s.lastKl(), s.lastValueError(), s.lastActorNorm());
    }
    updates = s.updates();
  }

  private String shape() {
    return AldStateFile.shape(cfg.mode(), trials, time, learner, actorSpec());
  }

  /**
   * One update on {@code batch} (collected by the policy {@link #actingSnapshot} gave): PPO as the mode says, then in
   * {@link Mode#ALD} {@code distillSteps} distillation steps of the actor.
   */
  public Stats update(TrialBatch batch) {
    if (batch.trials() != trials || batch.time() != time) {
      throw new IllegalArgumentException("batch of " + batch.trials() + " x " + batch.time() + ", learner built for "
          + trials + " x " + time);
    }
    long valid = batch.validSteps();
    // Batch-major rows for the Transformer (b, t), time-major for the LSTM (t, b).
    for (int b = 0; b < trials; b++) {
      for (int t = 0; t < time; t++) {
        batch.copyObs(t, b, xFull, (b * time + t) * in);
        rewards[b * time + t] = batch.valid(t, b) ? batch.reward(t, b) : 0f;
      }
    }
    // 1. GAE from the Transformer's values, over each whole episode (and, clipping against the learner itself, its
    // log-probabilities before the update: the same pass).
    forwardAll(batch, false);
    for (int b = 0; b < trials; b++) {
      Gae.compute(batch.length(b), rewards, values, b * time, 1, cfg.gamma(), cfg.gaeLambda(), 0, adv, ret);
    }
    float[] valueOld = values.clone();
    double lNorm = 0;
    double aNorm = Double.NaN;
    for (int i = 0; i < trials; i++) {
      order[i] = i;
    }
    double weight = 1.0 / valid;
    boolean asymmetric = cfg.mode() == Mode.ASYMMETRIC;
    for (int epoch = 0; epoch < cfg.epochs(); epoch++) {
      shuffleOrder();
      for (int mb = 0; mb < cfg.minibatches(); mb++) {
        long mbValid = 0;
        for (int k = 0; k < mbTrials; k++) {
          mbValid += batch.length(order[mb * mbTrials + k]);
        }
        double w = 1.0 / Math.max(1, mbValid);
        // The surrogate's policy: the Transformer's rows of each segment, or (asymmetric) the LSTM's over the
        // minibatch's whole episodes, time-major.
        float[] logA = null;
        if (asymmetric) {
          float[] x = actorMbWs.input();
          for (int t = 0; t < time; t++) {
            for (int k = 0; k < mbTrials; k++) {
              batch.copyObs(t, order[mb * mbTrials + k], x, (t * mbTrials + k) * in);
            }
          }
          actorMbWs.forward();
          logA = actorMbWs.logProbs();
          Arrays.fill(aDzMb, 0f);
        }
        // Segment by segment, each from the memory the previous one left (no gradient crosses segments).
        mbMemory.clear();
        Arrays.fill(lGrad, 0f);
        for (int sg = 0; sg < segments; sg++) {
          segmentInput(xSegMb, mbTrials, mb * mbTrials, true, sg);
          mbPass.forward(mbTrials, lp, xSegMb, 0, sg == 0 ? startsFirstMb : noStartsMb, mbMemory);
          Arrays.fill(dz, 0f);
          Arrays.fill(dv, 0f);
          float[] logp = mbPass.logProbs();
          for (int k = 0; k < mbTrials; k++) {
            int b = order[mb * mbTrials + k];
            for (int j = 0; j < seg; j++) {
              int t = sg * seg + j;
              if (t >= batch.length(b)) {
                break;
              }
              int r = k * seg + j;
              int src = b * time + t;
              for (int a = 0; a < na; a++) {
                muRow[a] = batch.logMu(t, b, a);
              }
              if (asymmetric) {
                // The LSTM's surrogate, the Transformer's value: dz to the LSTM, dv to the Transformer.
                int ra = t * mbTrials + k;
                dv[r] = cfg.ppo().step(logA, ra * na, muRow, 0, na, batch.action(t, b), adv[src], ret[src],
                    mbPass.value(r), valueOld[src], w, aDzMb, ra * na, null);
                continue;
              }
              if (proxLogp != null) {
                // Decoupled PPO: clipped against the learner before the update, the actor's data importance-weighted.
                int a = batch.action(t, b);
                double wIs = ProximalCorrection.weight(proxLogp, src * na, muRow, 0, a, cfg.correction().rhoMax());
                dv[r] = cfg.ppo().step(logp, r * na, proxLogp, src * na, na, a, adv[src] * wIs, ret[src],
                    mbPass.value(r), valueOld[src], w, dz, r * na, null);
              } else {
                dv[r] = cfg.ppo().step(logp, r * na, muRow, 0, na, batch.action(t, b), adv[src], ret[src],
                    mbPass.value(r), valueOld[src], w, dz, r * na, null);
              }
              if (cfg.lambda() > 0) {
                PolicyDistillation.learnerStep(logp, r * na, muRow, 0, na, cfg.lambda(), w, dzReg, 0);
                for (int a = 0; a < na; a++) {
                  dz[r * na + a] += dzReg[a];
                }
              }
            }
          }
          mbPass.backward(lp, dz, dv, segGrad);
          for (int i = 0; i < lGrad.length; i++) {
            lGrad[i] += segGrad[i];
          }
          mbPass.nextMemory(mbMemory, mbMemory);
        }
        lNorm = GlobalNormClip.clip(lGrad, cfg.maxGradNorm());
        lAdam.apply(lp, lGrad, cfg.learnerLr());
        if (asymmetric) {
          actorMbWs.backward(aDzMb, aDvMb, lstm.grad());
          aNorm = lstm.step(cfg.learnerLr(), cfg.maxGradNorm());
        }
      }
    }
    return switch (cfg.mode()) {
      case ALD -> distilAfter(batch, weight, lNorm);
      case TRANSFORMER_ONLY -> {
        forwardAll(batch, true);
        double entropy = entropy(batch, teacherLogp, false);
        updates++;
        published = new ParamSnapshot(lp.clone(), updates);
        yield new Stats(updates, entropy * weight, Double.NaN, Double.NaN, lNorm, Double.NaN);
      }
      case ASYMMETRIC -> {
        lstm.readObservations(batch);
        lstm.full().forward();
        double entropy = entropy(batch, lstm.full().logProbs(), true);
        updates++;
        published = new ParamSnapshot(lstm.paramsCopy(), updates);
        yield new Stats(updates, entropy * weight, Double.NaN, Double.NaN, lNorm, aNorm);
      }
    };
  }

  /** ALD's second half: the updated Transformer becomes the teacher and is distilled into the actor. */
  private Stats distilAfter(TrialBatch batch, double weight, double lNorm) {
    // 2. The updated Transformer is the teacher.
    forwardAll(batch, true);
    double entropy = entropy(batch, teacherLogp, false);
    // 3. Hand the teacher over and distil it into the actor: in turn, or on the distillation thread while the next
    // update's RL step runs (the hand-over joins the distillation before it: the stages meet at fixed points).
    distillation.handOver(batch, teacherLogp, teacherV, weight);
    updates++;
    if (!distillation.onThread()) {
      distillation.runInTurn();
    }
    // On the thread, versioned by this update as in turn: a snapshot's version is the update count that published it
    // (what a runtime's lag rule and update log read); that this actor is one distillation older is the thread's
    // design.
    published = new ParamSnapshot(lstm.paramsCopy(), updates);
    // The figures of the distillation last joined (pipelined: the previous update's, read before the next one starts
    // writing them) or just run (in turn).
    Stats stats = new Stats(updates, entropy * weight, distillation.lastKl(), distillation.lastValueError(), lNorm,
        distillation.lastActorNorm());
    if (distillation.onThread()) {
      distillation.submit();
    }
    return stats;
  }

  /**
   * {@code sum_(b, t valid) H(pi(.|b, t))} of log-probabilities {@code logp}, rows {@code b * time + t} or (time-major)
   * {@code t * trials + b}.
   */
  private double entropy(TrialBatch batch, float[] logp, boolean timeMajor) {
    double entropy = 0;
    for (int b = 0; b < trials; b++) {
      for (int t = 0; t < batch.length(b); t++) {
        int r = timeMajor ? t * trials + b : b * time + t;
        for (int a = 0; a < na; a++) {
          double l = logp[r * na + a];
          entropy -= Math.exp(l) * l;
        }
      }
    }
    return entropy;
  }

  /**
   * The learner over every episode of the batch, segment by segment from an empty memory: values into
   * {@link #values}, and with {@code teacher} also log-probabilities into {@link #teacherLogp} and values into
   * {@link #teacherV}, rows {@code b * time + t}.
   */
  private void forwardAll(TrialBatch batch, boolean teacher) {
    fullMemory.clear();
    for (int sg = 0; sg < segments; sg++) {
      segmentInput(xSegFull, trials, 0, false, sg);
      fullPass.forward(trials, lp, xSegFull, 0, sg == 0 ? startsFirstFull : noStartsFull, fullMemory);
      float[] logp = fullPass.logProbs();
      for (int b = 0; b < trials; b++) {
        for (int j = 0; j < seg && sg * seg + j < time; j++) {
          int r = b * time + sg * seg + j;
          float v = fullPass.value(b * seg + j);
          values[r] = v;
          if (teacher) {
            teacherV[r] = v;
            System.arraycopy(logp, (b * seg + j) * na, teacherLogp, r * na, na);
          } else if (proxLogp != null) {
            System.arraycopy(logp, (b * seg + j) * na, proxLogp, r * na, na);
          }
        }
      }
      fullPass.nextMemory(fullMemory, fullMemory);
    }
  }

  /**
   * Segment {@code sg}'s input rows of {@code n} episodes into {@code dst} ({@code n x seg x in}): episode {@code k}
   * is {@code order[first + k]} when {@code shuffled}, else {@code first + k}; steps past the episode's padded end
   * are zeros.
   */
  private void segmentInput(float[] dst, int n, int first, boolean shuffled, int sg) {
    for (int k = 0; k < n; k++) {
      int b = shuffled ? order[first + k] : first + k;
      for (int j = 0; j < seg; j++) {
        int t = sg * seg + j;
        int to = (k * seg + j) * in;
        if (t < time) {
          System.arraycopy(xFull, (b * time + t) * in, dst, to, in);
        } else {
          Arrays.fill(dst, to, to + in, 0f);
        }
      }
    }
  }

  private void join() {
    if (distillation != null) {
      distillation.join();
    }
  }

  /**
   * Wall seconds of the distillations finished so far, on whichever thread they ran (in turn they are part of
   * {@link #update}'s time; on the distillation thread they overlap the next update's RL step).
   */
  public double distillSeconds() {
    return distillation == null ? 0 : distillation.seconds();
  }

  /** Wall seconds {@link #update} spent waiting for the distillation thread (0 in turn). */
  public double distillWaitSeconds() {
    return distillation == null ? 0 : distillation.waitSeconds();
  }

  private void shuffleOrder() {
    for (int i = trials - 1; i > 0; i--) {
      int j = shuffle.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
  }
}
