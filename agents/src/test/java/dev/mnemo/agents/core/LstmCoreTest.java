package dev.mnemo.agents.core;

/** {@link LstmCore} against {@link RecurrentCoreContract}, with the LSTM equations written once more in double. */
class LstmCoreTest extends RecurrentCoreContract {

  @Override
  protected RecurrentCore core(int inputSize, int hiddenSize) {
    return new LstmCore(inputSize, hiddenSize);
  }

  /** z = x Wx + h Wh + b; i, f, o = sigmoid, g = tanh; c' = f c + i g; h' = o tanh(c'). State [h | c]. */
  @Override
  protected double[] referenceStep(RecurrentCore core, double[] p, double[] x, double[] state) {
    int in = core.inputSize();
    int h = core.hiddenSize();
    int g4 = 4 * h;
    int wh = in * g4;
    int b = wh + h * g4;
    double[] z = new double[g4];
    for (int j = 0; j < g4; j++) {
      double acc = p[b + j];
      for (int k = 0; k < in; k++) {
        acc += x[k] * p[k * g4 + j];
      }
      for (int k = 0; k < h; k++) {
        acc += state[k] * p[wh + k * g4 + j];
      }
      z[j] = acc;
    }
    double[] next = new double[2 * h];
    for (int j = 0; j < h; j++) {
      double i = sig(z[j]);
      double f = sig(z[h + j]);
      double g = Math.tanh(z[2 * h + j]);
      double o = sig(z[3 * h + j]);
      double c = f * state[h + j] + i * g;
      next[h + j] = c;
      next[j] = o * Math.tanh(c);
    }
    return next;
  }

  private static double sig(double v) {
    return 1 / (1 + Math.exp(-v));
  }
}
