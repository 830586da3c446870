package dev.mnemo.learners.ald;

import dev.mnemo.agents.rl2.ActorCriticSpec;
import dev.mnemo.agents.rl2.RecurrentActorCritic;
import dev.mnemo.learners.optim.AdamState;
import dev.mnemo.learners.optim.AdamW;
import dev.mnemo.learners.optim.GlobalNormClip;
import dev.mnemo.learners.rl2.TrialBatch;

/**
 * The LSTM actor-critic that ALD distils the Transformer into and the asymmetric baseline trains by PPO: its
 * parameters, gradient and AdamW, and its workspace over a whole batch of episodes (time-major rows
 * {@code t * trials + b}). Either the learner's thread or the distillation thread uses it, never both at once (the
 * learner joins the distillation first). Not thread-safe.
 */
final class LstmActor {
  private final ActorCriticSpec spec;
  private final float[] params;
  private final float[] grad;
  private final AdamW adam;
  private final RecurrentActorCritic net;
  private final RecurrentActorCritic.Workspace full;
  private final int trials;
  private final int time;
  private final int in;

  LstmActor(ActorCriticSpec spec, float[] initial, double adamEps, double weightDecay, int trials, int time) {
    this.spec = spec;
    this.params = initial.clone();
    this.grad = new float[params.length];
    this.adam = new AdamW(params.length, adamEps, weightDecay);
    this.net = new RecurrentActorCritic(spec, params);
    this.full = net.workspace(trials, time);
    this.trials = trials;
    this.time = time;
    this.in = spec.inputSize();
  }

  ActorCriticSpec spec() {
    return spec;
  }

  /** A workspace over {@code n} episodes of the batch's length (a minibatch's). */
  RecurrentActorCritic.Workspace workspace(int n) {
    return net.workspace(n, time);
  }

  /** The workspace over the whole batch. */
  RecurrentActorCritic.Workspace full() {
    return full;
  }

  /** The gradient array a workspace's backward pass writes into, before {@link #step}. */
  float[] grad() {
    return grad;
  }

  /** The batch's observations into the whole-batch workspace, time-major. */
  void readObservations(TrialBatch batch) {
    float[] x = full.input();
    for (int t = 0; t < time; t++) {
      for (int b = 0; b < trials; b++) {
        batch.copyObs(t, b, x, (t * trials + b) * in);
      }
    }
  }

  /**
   * One optimiser step on {@link #grad}: clipped to global norm {@code maxGradNorm}, AdamW of size {@code lr}, the
   * network then reading the new parameters. Returns the norm before clipping.
   */
  double step(double lr, double maxGradNorm) {
    double norm = GlobalNormClip.clip(grad, maxGradNorm);
    adam.apply(params, grad, lr);
    net.setParams(params);
    return norm;
  }

  float[] paramsCopy() {
    return params.clone();
  }

  int paramCount() {
    return params.length;
  }

  AdamState adamState() {
    return adam.state();
  }

  /** Continues from saved parameters and optimiser state (sizes checked by the caller's file reader). */
  void restore(float[] savedParams, AdamState savedAdam) {
    System.arraycopy(savedParams, 0, params, 0, params.length);
    adam.restore(savedAdam);
    net.setParams(params);
  }
}
