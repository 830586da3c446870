package dev.mnemo.agents;

/**
 * The actor network's parameters as one flat array, in the order its layout names, plus the learner's
 * update count that produced them. Learners publish snapshots; actor kernels read them.
 *
 * @param params flat parameters; never mutated after publication
 * @param version learner update count at export time
 */
public record ParamSnapshot(float[] params, long version) {
  public ParamSnapshot {
    if (params == null) {
      throw new IllegalArgumentException("params must not be null");
    }
    if (version < 0) {
      throw new IllegalArgumentException("version must be >= 0, got " + version);
    }
  }
}
