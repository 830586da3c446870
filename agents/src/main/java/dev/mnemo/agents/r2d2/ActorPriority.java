package dev.mnemo.agents.r2d2;

import dev.mnemo.replay.SequenceBatch;
import dev.mnemo.replay.SequenceConfig;
import dev.mnemo.replay.SequencePriority;
import dev.mnemo.replay.SequenceSink;

/**
 * R2D2's initial priority of a new sequence, computed on the actor side from the Q-values the actor computed
 * while acting (stored with the sequence as its behaviour logits), with no network call of its own:
 * <pre>
 *   q_t     = the actor's Q-values at step t (rescaled space, as the network outputs them)
 *   y_t     = h( sum_{k<n} gamma^k r_{t+k}  +  gamma^n h^-1( q_{t+n}[ argmax_a q_{t+n}[a] ] ) )
 *   delta_t = y_t - q_t[a_t]                                   for t in the trained window [l, l + m)
 *   p       = eta max_t |delta_t| + (1 - eta) mean_t |delta_t|  over its real steps
 * </pre>
 * The learner's target with the actor's Q in both roles: an actor has no target network, so its online Q both
 * picks the bootstrap action and values it (double Q with Q_online = Q_target = q, i.e. max_a q_{t+n}[a]).
 * The targets are {@link NStepDoubleQ#targets}, the TD errors and the eta-mix {@link TdLoss#priorities}: the same
 * code the learner's priorities come from, on a batch of one.
 *
 * <p>Where it differs from the learner's TD error, and why:
 * <ul>
 *   <li>Q comes from the actor's own recurrent state at each step (the state the learner's burn-in
 *       approximates) and from the parameters the actor had then (it may refresh them inside a sequence);</li>
 *   <li>after a truncation the bootstrap step is the final observation, on which the actor never acted (the
 *       env resets first): its stored Q is the padding's 0, so the target bootstraps from h^-1(0) = 0 there,
 *       as after a termination. The learner, which evaluates the final observation, corrects the priority
 *       at the sequence's first sample.</li>
 * </ul>
 * A non-finite result (a diverged network) returns {@link SequenceSink#MAX_PRIORITY}, the replay's maximum.
 *
 * <p>One instance per acting loop: it keeps preallocated scratch arrays, so {@link #priority} allocates nothing
 * and is not thread-safe.
 */
public final class ActorPriority implements SequencePriority {

  private final int length;
  private final int numActions;
  private final int burnIn;
  private final int trained;
  private final int nStep;
  private final double gamma;
  private final double eta;

  private final float[] rewards;
  private final float[] discounts;
  private final float[] mask;
  private final float[] q;
  private final float[] y;
  private final float[] valid;
  private final float[] qTrained;
  private final int[] actionsTrained;
  private final float[] priority = new float[1];

  /**
   * @param seq the sequence cut (burn-in l, trained steps m, n-step bootstrap); it must store behaviour logits
   * @param gamma discount of the n-step targets
   * @param eta eta of the max/mean mix
   */
  public ActorPriority(SequenceConfig seq, double gamma, double eta) {
    if (!seq.storeLogits()) {
      throw new IllegalArgumentException("actor-side priorities read the actor's Q-values stored as behaviour "
          + "logits, but the sequence config does not store them: " + seq);
    }
    if (seq.nStep() < 1) {
      throw new IllegalArgumentException("n-step targets need n >= 1, got " + seq.nStep());
    }
    if (!(gamma >= 0 && gamma <= 1) || !(eta >= 0 && eta <= 1)) {
      throw new IllegalArgumentException("gamma and eta must be in [0, 1], got " + gamma + ", " + eta);
    }
    length = seq.length();
    numActions = seq.numActions();
    burnIn = seq.burnIn();
    trained = seq.trainLength();
    nStep = seq.nStep();
    this.gamma = gamma;
    this.eta = eta;
    rewards = new float[length];
    discounts = new float[length];
    mask = new float[length];
    q = new float[length * numActions];
    y = new float[trained];
    valid = new float[trained];
    qTrained = new float[trained * numActions];
    actionsTrained = new int[trained];
  }

  /** The priority of row {@code row} of {@code sequence}, from its stored Q-values (see the class comment). */
  @Override
  public float priority(SequenceBatch sequence, int row) {
    if (!sequence.hasLogits() || sequence.length() != length || sequence.numActions() != numActions) {
      throw new IllegalArgumentException("sequence of length " + sequence.length() + ", " + sequence.numActions()
          + " actions" + (sequence.hasLogits() ? "" : ", without Q-values") + " does not fit this priority's cut"
          + " (length " + length + ", " + numActions + " actions, Q-values stored)");
    }
    int s = row * length;
    System.arraycopy(sequence.rewards, s, rewards, 0, length);
    System.arraycopy(sequence.discounts, s, discounts, 0, length);
    System.arraycopy(sequence.mask, s, mask, 0, length);
    System.arraycopy(sequence.behaviourLogits, s * numActions, q, 0, length * numActions);
    System.arraycopy(sequence.actions, s + burnIn, actionsTrained, 0, trained);
    System.arraycopy(q, burnIn * numActions, qTrained, 0, trained * numActions);
    NStepDoubleQ.targets(1, length, numActions, burnIn, trained, nStep, gamma, rewards, discounts, mask, q, q, y,
        valid);
    TdLoss.priorities(1, trained, numActions, qTrained, actionsTrained, y, valid, eta, priority);
    float p = priority[0];
    return Float.isFinite(p) ? p : SequenceSink.MAX_PRIORITY;
  }
}
