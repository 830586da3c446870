package dev.mnemo.experiments.config;

import java.util.Collection;
import java.util.Optional;

/** Levenshtein distance, used to suggest the valid key closest to a typo. */
public final class EditDistance {

  private EditDistance() {}

  public static int between(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int subst = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(subst, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** The candidate closest to {@code word}; ties go to the first in iteration order. */
  public static Optional<String> closest(String word, Collection<String> candidates) {
    String best = null;
    int bestD = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = between(word, c);
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    return Optional.ofNullable(best);
  }
}
