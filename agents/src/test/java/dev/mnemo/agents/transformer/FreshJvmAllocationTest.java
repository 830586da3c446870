package dev.mnemo.agents.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The allocation probe sees a loop that allocates in its steady state (so the kernels' zeros mean something) and
 * reports zero for one that does not, in a fresh JVM and in this one.
 */
class FreshJvmAllocationTest {

  /** Escapes every array, so escape analysis cannot remove the allocation. */
  static volatile float[] escaped;

  /** 300 steps that each publish a new 64-float array: at least 300 × 256 bytes a run. */
  private static Runnable allocatingLoop() {
    return () -> {
      for (int t = 0; t < 300; t++) {
        float[] a = new float[64];
        a[t % 64] = t;
        escaped = a;
      }
    };
  }

  /** 300 steps writing into one preallocated array. */
  private static Runnable quietLoop() {
    float[] buffer = new float[64];
    return () -> {
      for (int t = 0; t < 300; t++) {
        buffer[t % 64] += t;
      }
    };
  }

  @Test
  void aLoopThatAllocatesEveryStepIsSeenInAFreshJvm() throws Exception {
    long bytes = FreshJvmAllocation.bytesPerRun(FreshJvmAllocationTest.class, "allocatingLoop", 20, 200);
    assertTrue(bytes >= 300L * 64 * Float.BYTES, "bytes per run of 300 new 64-float arrays: " + bytes);
  }

  @Test
  void aLoopWithoutAllocationMeasuresZeroHereAndInAFreshJvm() throws Exception {
    assertEquals(0L, FreshJvmAllocation.bytesPerRun(FreshJvmAllocationTest.class, "quietLoop", 20, 200),
        "fresh JVM");
    assertEquals(0L, FreshJvmAllocation.bytesPerRunInThisJvm(quietLoop(), 20, 200), "this JVM");
    assertTrue(FreshJvmAllocation.bytesPerRunInThisJvm(allocatingLoop(), 20, 200) >= 300L * 64 * Float.BYTES,
        "this JVM sees the allocating loop");
  }
}
