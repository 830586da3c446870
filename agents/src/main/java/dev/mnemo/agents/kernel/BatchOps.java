package dev.mnemo.agents.kernel;

/**
 * The few batched float operations the actor kernels are built from: a small matrix product with bias
 * and the recurrent cells' element-wise nonlinearities. Two implementations exist: {@link VectorOps}
 * (JDK Vector API, register-blocked) and {@link ScalarOps} (plain loops, used when the incubating
 * {@code jdk.incubator.vector} module is not in the boot layer). Both write only into caller-owned
 * arrays and allocate nothing.
 *
 * <p>Matrices are row-major with explicit leading dimensions ({@code ld*}: floats from one row to the
 * next), so a kernel can write a layer's output straight into a slice of a wider buffer.
 */
public interface BatchOps {

  /**
   * {@code C[r, j] = bias[j] + sum_k A[r, k] W[k, j]} for {@code r < rows, j < n}.
   *
   * @param bias {@code n} floats from {@code biasOff}, or {@code null} for none
   */
  void gemm(int rows, int k, int n, float[] a, int aOff, int lda, float[] w, int wOff, int ldw,
      float[] bias, int biasOff, float[] c, int cOff, int ldc);

  /** {@code x = max(x, 0)} over {@code rows x n} at {@code off} with leading dimension {@code ld}. */
  void relu(int rows, int n, float[] x, int off, int ld);

  /**
   * The LSTM cell's element-wise step for {@code rows} batch rows. Row {@code r} of {@code z} holds the
   * pre-activations in gate blocks {@code [i | f | g | o]} of {@code hidden} floats each, starting at
   * {@code zOff + r * ldz}; the states are dense {@code rows x hidden}:
   * <pre>
   *   i, f, o = sigmoid(z_i), sigmoid(z_f), sigmoid(z_o);  g = tanh(z_g)
   *   cNext = f * cPrev + i * g;   hNext = o * tanh(cNext)
   * </pre>
   * {@code cNext}/{@code hNext} must not alias {@code cPrev}.
   */
  void lstmGates(int rows, int hidden, float[] z, int zOff, int ldz, float[] cPrev, float[] cNext,
      float[] hNext);

  /** Floats per SIMD register (1 for the scalar path): packed layouts pad small output widths to it. */
  int lanes();

  /** Short name for logs and benchmarks. */
  String name();

  /** The fastest implementation this JVM can run: {@link VectorOps} when its module is present. */
  static BatchOps best() {
    return vectorApiAvailable() ? VectorOps.create() : new ScalarOps();
  }

  /** Whether {@code jdk.incubator.vector} was added to the boot layer ({@code --add-modules}). */
  static boolean vectorApiAvailable() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }
}
