package dev.mnemo.agents.r2d2;

import dev.mnemo.envs.StateIo;
import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.acting.ActingPolicy;
import dev.mnemo.agents.kernel.EpsilonGreedy;
import dev.mnemo.agents.kernel.RecurrentQKernel;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * R2D2's acting policy: the recurrent Q-network's kernel over N envs and epsilon-greedy with one epsilon per
 * env (the per-actor ladder {@code epsilon_i = base^(1 + alpha i/(N-1))} is chosen by the caller).
 */
public final class EpsilonGreedyQPolicy implements ActingPolicy {

  private final RecurrentQKernel kernel;
  private final EpsilonGreedy greedy;

  public EpsilonGreedyQPolicy(RecurrentQKernel kernel, EpsilonGreedy greedy) {
    if (kernel.batch() != greedy.rows()) {
      throw new IllegalArgumentException("kernel batch " + kernel.batch() + " != epsilon rows " + greedy.rows());
    }
    this.kernel = kernel;
    this.greedy = greedy;
  }

  /** The network's Q-values of the last step ({@code N x A}; the kernel's buffer). */
  public float[] qValues() {
    return kernel.qValues();
  }

  /** The Q-values of the last step, what a sequence stores for the actor-side priority ({@link ActorPriority}). */
  @Override
  public float[] behaviourLogits() {
    return kernel.qValues();
  }

  @Override
  public int batch() {
    return kernel.batch();
  }

  @Override
  public int stateSize() {
    return kernel.stateSize();
  }

  @Override
  public void load(ParamSnapshot snapshot) {
    kernel.load(snapshot);
  }

  @Override
  public long paramVersion() {
    return kernel.paramVersion();
  }

  @Override
  public void act(float[] obs, int[] prevAction, float[] prevReward, int[] actions) {
    kernel.step(obs, prevAction, prevReward);
    greedy.select(kernel.qValues(), actions);
  }

  @Override
  public void copyStateBefore(int env, float[] dst, int off) {
    kernel.copyStateBefore(env, dst, off);
  }

  @Override
  public void resetState(int env) {
    kernel.resetState(env);
  }

  @Override
  public void resetAllStates() {
    kernel.resetAllStates();
  }

  /** Every env's recurrent state and the exploration stream. */
  @Override
  public void writeState(DataOutput out) throws IOException {
    int n = kernel.batch();
    int size = kernel.stateSize();
    out.writeInt(n);
    out.writeInt(size);
    float[] row = new float[size];
    for (int env = 0; env < n; env++) {
      kernel.copyState(env, row, 0);
      StateIo.writeFloats(out, row, 0, size);
    }
    out.writeLong(greedy.rngState());
  }

  @Override
  public void readState(DataInput in) throws IOException {
    int n = in.readInt();
    int size = in.readInt();
    if (n != kernel.batch() || size != kernel.stateSize()) {
      throw new IllegalStateException("the saved policy acted for " + n + " envs with states of " + size
          + " floats; this one for " + kernel.batch() + " with " + kernel.stateSize());
    }
    float[] row = new float[size];
    for (int env = 0; env < n; env++) {
      StateIo.readFloats(in, row, 0, size);
      kernel.setState(env, row, 0);
    }
    greedy.setRngState(in.readLong());
  }
}
