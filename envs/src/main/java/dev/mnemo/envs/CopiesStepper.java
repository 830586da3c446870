package dev.mnemo.envs;

/**
 * Steps every copy of a {@link VectorEnv} in one call, for an env type that does that faster than one copy at a
 * time: typically by gathering the copies' states into arrays, advancing them in loops the JIT vectorises, and
 * writing them back (a VectorEnv of 64 cart-poles steps 1.3x as fast as one cart-pole so, `bench envs`). Made by
 * {@link Env#copiesStepper}; the copies stay the owners of their state, so resets, {@link VectorEnv#env},
 * checkpoints and re-plays work on them as before.
 */
public interface CopiesStepper {
  /**
   * For every copy {@code i}, exactly what {@code copies[i].stepInto(actions[i], i, obs, rewards, terminated,
   * truncated)} would do: the same bits in every buffer and in the copy's state. When a copy cannot step (it needs a
   * reset, or its action is out of range) it throws what that copy's {@code stepInto} would, and no copy has moved.
   *
   * @return whether any copy's episode ended
   */
  boolean stepAll(int[] actions, float[] obs, float[] rewards, boolean[] terminated, boolean[] truncated);

  /**
   * Whether {@link #stepAllListingEnded} lists the ended copies in the stepping loop (its override), so that a
   * {@link VectorEnv} calls it; else the VectorEnv calls {@link #stepAll} and lists them itself, after the returns
   * and only when an episode ended, as it did before this method. Through the default method for every stepper, the
   * RL² bandit's VectorEnv fell from 57-61M steps per CPU-second to 42-54M
   * ({@code experiments/envs-bench/host-probe/ab-2026-12-06-bandit-list-default.txt}); with the old order back,
   * 54-60M against 51-62M ({@code ab-2026-12-06-bandit-list-flag.txt}).
   */
  default boolean listsEndedWhileStepping() {
    return false;
  }

  /**
   * {@link #stepAll}, and the copies whose episode ended, in copy order, written into {@code ended[0 .. count)}.
   * This default lists them in a pass of its own after the step; a stepper whose copies end their episodes at
   * different steps lists them in its stepping loop instead, where it costs a store and an add per copy. I-Maze's
   * VectorEnv: 117-121M steps per CPU-second so, 104-114M with the separate pass, one env 102-109M (rounds with a
   * quiet canary in {@code experiments/envs-bench/host-probe/ab-2026-12-06-imaze-list-in-loop.txt}).
   *
   * @param ended at least as long as the number of copies
   * @return {@code count}, the number of copies whose episode ended
   */
  default int stepAllListingEnded(int[] actions, float[] obs, float[] rewards, boolean[] terminated,
      boolean[] truncated, int[] ended) {
    if (!stepAll(actions, obs, rewards, terminated, truncated)) {
      return 0;
    }
    return listEnded(terminated, truncated, ended);
  }

  /**
   * The copies whose {@code terminated} or {@code truncated} is set, in copy order, into {@code ended}; returns how
   * many. Without a branch per copy: a copy's end is a branch the predictor cannot guess, only the count is one.
   */
  static int listEnded(boolean[] terminated, boolean[] truncated, int[] ended) {
    int count = 0;
    for (int i = 0; i < terminated.length; i++) {
      ended[count] = i;
      count += (terminated[i] | truncated[i]) ? 1 : 0;
    }
    return count;
  }

  /**
   * {@code copies} as an array of {@code type} when every one is a {@code type} that {@code sameShape} accepts (the
   * parameters a stepper needs its copies to share), else null: what each env type's {@link Env#copiesStepper} asks
   * before it builds its stepper.
   */
  static <T extends Env> T[] ofOneShape(Env[] copies, Class<T> type, java.util.function.Predicate<T> sameShape) {
    @SuppressWarnings("unchecked")
    T[] typed = (T[]) java.lang.reflect.Array.newInstance(type, copies.length);
    for (int i = 0; i < copies.length; i++) {
      if (!type.isInstance(copies[i]) || !sameShape.test(type.cast(copies[i]))) {
        return null;
      }
      typed[i] = type.cast(copies[i]);
    }
    return typed;
  }
}
