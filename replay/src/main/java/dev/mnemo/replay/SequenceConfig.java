package dev.mnemo.replay;

/**
 * How trajectories are cut into sequences, and the shape of each step.
 *
 * <p>A sequence has {@link #length()} = {@code burnIn + trainLength + nStep} steps. The learner unrolls
 * the first {@code burnIn} steps without gradient to warm up the stored state, trains on the next
 * {@code trainLength} steps and uses the last {@code nStep} only as bootstrap targets. A new sequence
 * starts every {@code period} steps of an episode (R2D2: 40 + 80 with period 40, so adjacent trained
 * windows overlap by 40).
 *
 * @param burnIn steps unrolled only to refresh the stored recurrent state (R2D2: 40)
 * @param trainLength steps that carry a loss (R2D2: 80)
 * @param nStep extra steps that only supply n-step bootstrap targets (R2D2: 5)
 * @param period steps between the starts of consecutive sequences of one episode (R2D2: 40)
 * @param obsSize floats per observation
 * @param stateSize floats of the recurrent core's state per step (opaque: LSTM [h | c], GRU [h])
 * @param numActions size of the discrete action space
 * @param storeZeroState store zeros instead of the actor's recurrent state (the paper's ablation)
 * @param storeLogits also store the behaviour policy's per-step logits (or Q-values), numActions each
 * @param boundary what resets the recurrent state and cuts sequences
 */
public record SequenceConfig(
    int burnIn,
    int trainLength,
    int nStep,
    int period,
    int obsSize,
    int stateSize,
    int numActions,
    boolean storeZeroState,
    boolean storeLogits,
    SequenceBoundary boundary) {

  public SequenceConfig {
    requireAtLeast("burnIn", burnIn, 0);
    requireAtLeast("trainLength", trainLength, 1);
    requireAtLeast("nStep", nStep, 0);
    requireAtLeast("period", period, 1);
    requireAtLeast("obsSize", obsSize, 1);
    requireAtLeast("stateSize", stateSize, 0);
    requireAtLeast("numActions", numActions, 1);
    if (boundary == null) {
      throw new IllegalArgumentException("boundary must be EPISODE or TRIAL, got null");
    }
    if (period > trainLength) {
      // A gap between trained windows would silently never train on some steps.
      throw new IllegalArgumentException("period must be <= trainLength so every step can be trained on, got period="
          + period + ", trainLength=" + trainLength);
    }
    long t = (long) burnIn + trainLength + nStep;
    if (t * Math.max(obsSize, Math.max(numActions, stateSize)) > Integer.MAX_VALUE / 4) {
      throw new IllegalArgumentException("sequence too large: length " + t + " x obsSize " + obsSize);
    }
  }

  /** The paper's R2D2 cut: burn-in 40, 80 trained steps, 5-step targets, period 40, stored state. */
  public static SequenceConfig r2d2(int obsSize, int stateSize, int numActions) {
    return new SequenceConfig(40, 80, 5, 40, obsSize, stateSize, numActions, false, false,
        SequenceBoundary.EPISODE);
  }

  /** Steps per sequence: {@code burnIn + trainLength + nStep}. */
  public int length() {
    return burnIn + trainLength + nStep;
  }

  public SequenceConfig withStoreLogits(boolean store) {
    return new SequenceConfig(burnIn, trainLength, nStep, period, obsSize, stateSize, numActions,
        storeZeroState, store, boundary);
  }

  public SequenceConfig withStoreZeroState(boolean zero) {
    return new SequenceConfig(burnIn, trainLength, nStep, period, obsSize, stateSize, numActions,
        zero, storeLogits, boundary);
  }

  public SequenceConfig withBoundary(SequenceBoundary b) {
    return new SequenceConfig(burnIn, trainLength, nStep, period, obsSize, stateSize, numActions,
        storeZeroState, storeLogits, b);
  }

  private static void requireAtLeast(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
    }
  }
}
