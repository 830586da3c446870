package dev.mnemo.envs.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.envs.CopiesStepperAgreementTest;
import dev.mnemo.envs.VectorApiModule;
import dev.mnemo.envs.VectorEnv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Meta-Fetch works in a JVM without {@code jdk.incubator.vector}, as a user's own JVM may be started: its stepper
 * then writes the rows float by float, and no class that needs the module is loaded. The test JVMs of this build
 * have the module, so the check runs {@link #main} in a child JVM started without it.
 */
class MetaFetchWithoutVectorApiTest {

  @Test
  void aVectorEnvOfMetaFetchesStepsInAJvmWithoutTheVectorApi() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        MetaFetchWithoutVectorApiTest.class.getName()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "the child JVM failed:\n" + output);
    assertTrue(output.contains("vector API absent; 64 copies agree with single envs over 300 steps"), output);
  }

  /**
   * The child: 64 Meta-Fetches stepped together by their stepper against 64 stepped alone for 300 steps (three
   * episodes), as {@link CopiesStepperAgreementTest#assertCopiesAgree} compares them, then a {@link VectorEnv} of
   * them; exits non-zero at the first difference.
   */
  public static void main(String[] args) {
    if (VectorApiModule.isPresent()) {
      throw new IllegalStateException("started with jdk.incubator.vector: this check needs a JVM without it");
    }
    int n = 64;
    String id = "metafetch";
    CopiesStepperAgreementTest.assertCopiesAgree(id, n, 300);
    VectorEnv v = new VectorEnv(id, n, 5);
    float[] obs = new float[n * v.spec().obsSize()];
    v.reset(obs);
    float[] rewards = new float[n];
    boolean[] terminated = new boolean[n];
    boolean[] truncated = new boolean[n];
    int[] actions = new int[n];
    java.util.Random pick = new java.util.Random(3);
    for (int t = 0; t < 300; t++) {
      for (int i = 0; i < n; i++) {
        actions[i] = pick.nextInt(4);
      }
      v.step(actions, obs, rewards, terminated, truncated);
    }
    System.out.println("vector API absent; 64 copies agree with single envs over 300 steps");
  }
}
