package dev.mnemo.agents.acting;

import dev.mnemo.agents.ParamSnapshot;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * An acting policy over a batch of N envs (Acme's actor, minus the adder): it picks every env's action from
 * its observation and previous action and reward, and carries each env's recurrent state, an opaque vector
 * of {@link #stateSize()} floats. Reset rule: the state of an env is zeroed at the start of each of its
 * episodes ({@link #resetState}); an algorithm whose memory spans several episodes presents them as one
 * env episode (RL²'s {@code MetaTrial} makes a trial one episode), so one rule serves both. Allocation-free
 * per step; not thread-safe.
 */
public interface ActingPolicy {

  /** Envs N. */
  int batch();

  /** Floats of recurrent state per env. */
  int stateSize();

  /** Loads new parameters; running episodes keep their state. */
  void load(ParamSnapshot snapshot);

  /** Version of the loaded snapshot, -1 before the first {@link #load}. */
  long paramVersion();

  /**
   * One step of every env: writes the chosen actions into {@code actions} and advances each env's state.
   *
   * @param prevAction per env the previous action, -1 at an episode start
   * @param prevReward per env the previous reward, 0 at an episode start
   */
  void act(float[] obs, int[] prevAction, float[] prevReward, int[] actions);

  /**
   * What the last {@link #act} computed per env that a sequence stores as its behaviour logits when its config
   * says so ({@code [N x numActions]}, row {@code i} for env {@code i}; R2D2: the Q-values), or null when the
   * policy has none. May be the policy's own buffer, valid until the next {@link #act}.
   */
  default float[] behaviourLogits() {
    return null;
  }

  /** Copies the state env {@code env} had before the last {@link #act} (what a sequence stores). */
  void copyStateBefore(int env, float[] dst, int off);

  /** Zeroes env {@code env}'s state (its episode starts). */
  void resetState(int env);

  /** Zeroes every env's state. */
  void resetAllStates();

  /**
   * Writes what this policy carries from one step to the next apart from its parameters (every env's recurrent
   * state, its random streams), so that {@link #readState} continues acting exactly: a synchronous run's
   * checkpoint. Policies that cannot say so refuse.
   */
  default void writeState(DataOutput out) throws IOException {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no checkpointable acting state");
  }

  /** Restores a {@link #writeState} of a policy of the same shape. */
  default void readState(DataInput in) throws IOException {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no checkpointable acting state");
  }
}
