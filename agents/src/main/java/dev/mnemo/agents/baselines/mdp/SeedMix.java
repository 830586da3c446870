package dev.mnemo.agents.baselines.mdp;

/** SplitMix64 finaliser over a seed and coordinates: independent, reproducible streams per (task, pair, ...). */
final class SeedMix {
  private SeedMix() {}

  static long mix(long seed, long... coordinates) {
    long h = seed;
    for (long v : coordinates) {
      h = (h ^ v) * 0x9E3779B97F4A7C15L;
      h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
      h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
      h ^= h >>> 31;
    }
    return h;
  }
}
