package dev.mnemo.learners.r2d2.ablation;

/**
 * One episode as an actor lived it: the network inputs of every step and the recurrent state the actor
 * had BEFORE each step (the state a replayed sequence starting there would store). The stored states
 * come from whatever parameters acted, typically older than the learner's.
 *
 * @param length steps T
 * @param obsSize floats per observation
 * @param stateSize the core's state width S
 * @param obs {@code T x obsSize}
 * @param prevActions per step the previous action, -1 at the first step
 * @param prevRewards per step the previous reward, 0 at the first step
 * @param storedStates {@code T x S}: the core's state before step t
 */
public record RecordedEpisode(int length, int obsSize, int stateSize, float[] obs, int[] prevActions,
    float[] prevRewards, float[] storedStates) {

  public RecordedEpisode {
    if (length < 1 || obsSize < 1 || stateSize < 1) {
      throw new IllegalArgumentException("length, obsSize and stateSize must be >= 1, got " + length + ", "
          + obsSize + ", " + stateSize);
    }
    check("obs", obs.length, length * obsSize);
    check("prevActions", prevActions.length, length);
    check("prevRewards", prevRewards.length, length);
    check("storedStates", storedStates.length, length * stateSize);
  }

  private static void check(String name, int got, int want) {
    if (got != want) {
      throw new IllegalArgumentException(name + " holds " + got + " values, expected " + want);
    }
  }
}
