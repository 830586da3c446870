package dev.mnemo.agents.blocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mnemo.agents.ParamTensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleBiFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the head tests share: seeded arrays, a double-precision Dense+ReLU-then-linear reference written from
 * the heads' javadoc, the same network as a SameDiff graph of primitive ops, and central finite differences.
 */
final class HeadFixtures {

  private HeadFixtures() {}

  static float[] uniform(int n, long seed, double scale) {
    Random r = new Random(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
    }
    return a;
  }

  /**
   * Parameters that exercise every path: Glorot-scale weights (whatever the head's own output gain) and biases
   * uniform in +-0.3, so every ReLU sees both signs.
   */
  static float[] params(List<ParamTensor> layout, long seed) {
    Random r = new Random(seed);
    ParamTensor last = layout.get(layout.size() - 1);
    float[] p = new float[last.end()];
    for (ParamTensor t : layout) {
      double limit = t.rows() == 1 ? 0.3 : Math.sqrt(6.0 / (t.rows() + t.cols()));
      for (int i = t.offset(); i < t.end(); i++) {
        p[i] = (float) ((r.nextDouble() * 2 - 1) * limit);
      }
    }
    return p;
  }

  /** {@code p} behind {@code pad} leading NaNs: the faces must honour the block offset. */
  static float[] withPadding(float[] p, int pad) {
    float[] out = new float[p.length + pad];
    java.util.Arrays.fill(out, 0, pad, Float.NaN);
    System.arraycopy(p, 0, out, pad, p.length);
    return out;
  }

  static double[] toDouble(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i];
    }
    return d;
  }

  /** u = x; u = relu(u W_i + b_i) for the hidden layers; y = u W_L + b_L. Layout pairs (W_i, b_i) in order. */
  static double[] referenceMlp(List<ParamTensor> layout, double[] p, double[] x) {
    double[] u = x;
    int layers = layout.size() / 2;
    for (int i = 0; i < layers; i++) {
      ParamTensor w = layout.get(2 * i);
      ParamTensor b = layout.get(2 * i + 1);
      double[] y = new double[w.cols()];
      for (int j = 0; j < w.cols(); j++) {
        double acc = p[b.offset() + j];
        for (int k = 0; k < w.rows(); k++) {
          acc += u[k] * p[w.offset() + k * w.cols() + j];
        }
        y[j] = i < layers - 1 ? Math.max(acc, 0) : acc;
      }
      u = y;
    }
    return u;
  }

  /** The same network from SameDiff primitive ops: matmul, add, relu. */
  static SDVariable sameDiffMlp(SameDiff sd, Map<String, SDVariable> w, List<ParamTensor> layout, SDVariable x) {
    SDVariable u = x;
    int layers = layout.size() / 2;
    for (int i = 0; i < layers; i++) {
      SDVariable z = u.mmul(w.get(layout.get(2 * i).name())).add(w.get(layout.get(2 * i + 1).name()));
      u = i < layers - 1 ? sd.nn().relu(z, 0) : z;
    }
    return u;
  }

  /** One SameDiff variable per tensor, named as the layout names it. */
  static Map<String, SDVariable> sameDiffParams(SameDiff sd, List<ParamTensor> layout, float[] p) {
    Map<String, SDVariable> w = new HashMap<>();
    for (ParamTensor t : layout) {
      float[] slice = java.util.Arrays.copyOfRange(p, t.offset(), t.end());
      w.put(t.name(), sd.var(t.name(), Nd4j.create(slice, new long[] {t.rows(), t.cols()}, 'c')));
    }
    return w;
  }

  /**
   * Central differences {@code (L(v + eps) - L(v - eps)) / 2 eps} of {@code loss(p, x)} for every parameter and
   * every input value, in double: {@code [dL/dp..., dL/dx...]}.
   */
  static double[] finiteDifferences(double[] p, double[] x, ToDoubleBiFunction<double[], double[]> loss) {
    double eps = 1e-6;
    double[] out = new double[p.length + x.length];
    for (int i = 0; i < out.length; i++) {
      double[] v = i < p.length ? p : x;
      int k = i < p.length ? i : i - p.length;
      double keep = v[k];
      v[k] = keep + eps;
      double up = loss.applyAsDouble(p, x);
      v[k] = keep - eps;
      double down = loss.applyAsDouble(p, x);
      v[k] = keep;
      out[i] = (up - down) / (2 * eps);
    }
    return out;
  }

  /** |got - want| <= tol * max(1, |want|) everywhere, naming the first index that differs. */
  static void assertClose(double[] want, float[] got, double tol, String what) {
    assertEquals(want.length, got.length, what + ": length");
    for (int i = 0; i < want.length; i++) {
      if (!(Math.abs(got[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i])))) {
        fail(what + ": index " + i + " expected " + want[i] + ", got " + got[i]);
      }
    }
  }

  /** The name of flat parameter {@code i}, for failure messages. */
  static String name(List<ParamTensor> layout, int i) {
    for (ParamTensor t : layout) {
      if (i >= t.offset() && i < t.end()) {
        return t.name() + "[" + (i - t.offset()) / t.cols() + "," + (i - t.offset()) % t.cols() + "]";
      }
    }
    return "#" + i;
  }

  /** The first {@code width} columns of {@code rows} rows {@code ld} apart, dense. */
  static float[] dense(float[] a, int off, int ld, int rows, int width) {
    float[] out = new float[rows * width];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(a, off + r * ld, out, r * width, width);
    }
    return out;
  }
}
