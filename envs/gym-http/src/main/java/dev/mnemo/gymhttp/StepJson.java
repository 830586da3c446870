package dev.mnemo.gymhttp;

/**
 * The JSON of every env step, both sides of the protocol: the reset and step request bodies and replies.
 * Everything else (create, spaces, monitor, errors) is rare and uses {@link Json} directly. Kept behind
 * this seam so that {@link GymHttpBench} can measure Jackson's streaming API against the module's former
 * hand-written reader/writer in the same run, on the path where JSON costs anything.
 *
 * <p>One instance per env or per served instance: not thread-safe. Writers return the length of the
 * document in {@link #buffer()}.
 */
interface StepJson {

  /** What a step reply said, beyond its observation. {@code terminated}/{@code truncated}: -1 when absent. */
  final class StepReply {
    float reward;
    boolean done;
    boolean timeLimit;
    int terminated;
    int truncated;
    /** Bits: 1 observation, 2 reward, 4 done. */
    int seen;
  }

  /** The buffer the last write filled. */
  byte[] buffer();

  // ---- server side

  /**
   * The {@code seed} member of a reset body, or {@code fallback} when the body is empty, {@code null}, or
   * has no (or a null) seed.
   *
   * @throws IllegalArgumentException when the seed is not an integer (the message quotes it)
   */
  long readSeed(byte[] body, int length, long fallback);

  /**
   * The {@code action} member of a step body, or {@link Long#MIN_VALUE} when there is none.
   *
   * @throws IllegalArgumentException when it is not an integer (the message quotes it)
   */
  long readAction(byte[] body, int length);

  /** {@code {"observation": ...}}: nested lists in {@code shape}, or the index of a one-hot when {@code discrete}. */
  int writeObservation(float[] obs, int[] shape, boolean discrete);

  /**
   * {@code {"observation", "reward", "done", "info": {"TimeLimit.truncated"}, "terminated", "truncated"}}.
   */
  int writeStep(float[] obs, int[] shape, boolean discrete, float reward, boolean terminated, boolean truncated);

  // ---- client side

  /** {@code {"seed": s}}. */
  int writeSeed(long seed);

  /** {@code {"action": a}}. */
  int writeAction(int action);

  /**
   * Reads the {@code observation} member of a reset reply into {@code obs} (a Discrete observation as a
   * one-hot when {@code oneHot}); false when there is none.
   *
   * @throws IllegalArgumentException for malformed JSON or an observation that does not fit {@code obs}
   */
  boolean readResetReply(byte[] reply, float[] obs, boolean oneHot);

  /** Reads a step reply: the observation into {@code obs}, the rest into {@code out}. */
  void readStepReply(byte[] reply, float[] obs, boolean oneHot, StepReply out);

  /** Sets {@code obs} to the one-hot of {@code k}, checking its range. */
  static void oneHot(float[] obs, long k) {
    if (k < 0 || k >= obs.length) {
      throw new IllegalArgumentException("Discrete observation " + k + " outside [0, " + obs.length + ")");
    }
    dev.mnemo.envs.BaseEnv.oneHot(obs, 0, obs.length, (int) k);
  }

  /** The index of the 1 in a one-hot observation (the first maximum, so any vector maps somewhere). */
  static int argMax(float[] obs) {
    int k = 0;
    for (int i = 1; i < obs.length; i++) {
      if (obs[i] > obs[k]) {
        k = i;
      }
    }
    return k;
  }

  static IllegalArgumentException countMismatch(int got, int declared) {
    return new IllegalArgumentException("observation has " + got + " numbers, the observation space declared "
        + declared);
  }
}
