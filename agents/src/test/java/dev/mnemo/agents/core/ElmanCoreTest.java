package dev.mnemo.agents.core;

/** {@link ElmanCore} against {@link RecurrentCoreContract}, with the Elman step written once more in double. */
class ElmanCoreTest extends RecurrentCoreContract {

  @Override
  protected RecurrentCore core(int inputSize, int hiddenSize) {
    return new ElmanCore(inputSize, hiddenSize);
  }

  /** h' = tanh(x Wx + h Wh + b). State [h]. */
  @Override
  protected double[] referenceStep(RecurrentCore core, double[] p, double[] x, double[] state) {
    int in = core.inputSize();
    int h = core.hiddenSize();
    int wh = in * h;
    int b = wh + h * h;
    double[] next = new double[h];
    for (int j = 0; j < h; j++) {
      double acc = p[b + j];
      for (int k = 0; k < in; k++) {
        acc += x[k] * p[k * h + j];
      }
      for (int k = 0; k < h; k++) {
        acc += state[k] * p[wh + k * h + j];
      }
      next[j] = Math.tanh(acc);
    }
    return next;
  }
}
