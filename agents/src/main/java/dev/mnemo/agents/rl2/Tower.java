package dev.mnemo.agents.rl2;

import dev.mnemo.agents.blocks.DenseReluStack;
import dev.mnemo.agents.core.CoreTraining;
import dev.mnemo.agents.kernel.BatchOps;

/**
 * One tower's training form: the optional Dense+ReLU encoder and the recurrent core, unrolled over whole
 * trials from the zero state (a trial's start). Backward takes dLoss/dh of every step, runs backpropagation
 * through time over the whole window and then the encoder. Not thread-safe.
 */
final class Tower {
  private final ActorCriticSpec spec;
  private final DenseReluStack encoder;
  private final CoreTraining core;
  private final int encOff;
  private final int coreOff;
  private final int stateSize;

  Tower(ActorCriticSpec spec, BatchOps ops, int encOff, int coreOff) {
    this.spec = spec;
    this.encoder = spec.encoderSizes().isEmpty() ? null : new DenseReluStack(ops, spec.inputSize(),
        spec.encoderSizes());
    this.core = spec.core().training(ops);
    this.encOff = encOff;
    this.coreOff = coreOff;
    this.stateSize = spec.core().stateSize();
  }

  void load(float[] params) {
    if (encoder != null) {
      encoder.load(params, encOff);
    }
    core.load(params, coreOff);
  }

  Pass newPass(int batch, int time) {
    return new Pass(batch, time);
  }

  /** One (batch, time) window, rows time-major ({@code t * batch + b}). */
  final class Pass {
    final int batch;
    final int time;
    private final DenseReluStack.Pass enc;
    private final CoreTraining.Pass rec;
    private final float[] zeroState;

    Pass(int batch, int time) {
      this.batch = batch;
      this.time = time;
      enc = encoder == null ? null : encoder.newPass(batch * time);
      rec = core.newPass(batch, time);
      zeroState = new float[batch * stateSize];
    }

    /** Unrolls from the zero state over x (time-major rows, {@code ldx} apart); x must stay until backward. */
    void forward(float[] x, int ldx) {
      float[] e = x;
      int lde = ldx;
      if (enc != null) {
        enc.forward(x, 0, ldx);
        e = enc.output();
        lde = enc.outputLd();
      }
      rec.forward(e, 0, lde, zeroState, 0);
    }

    float[] output() {
      return rec.output();
    }

    int outputOffset() {
      return rec.outputOffset();
    }

    int outputStride() {
      return rec.outputStride();
    }

    /** The state after step t of row b (t = -1: the initial zero state). */
    void copyState(int t, int b, float[] dst, int off) {
      rec.copyState(t, b, dst, off);
    }

    /** Backpropagates dLoss/dh (every step, rows {@code ldh} apart) into the tower's block of {@code grad}. */
    void backward(float[] dh, int ldh, float[] grad) {
      rec.backward(0, time, dh, 0, ldh, null, enc == null ? null : enc.outputGradient(), 0,
          enc == null ? 0 : enc.outputGradientLd(), grad, coreOff);
      if (enc != null) {
        enc.backward(0, batch * time, grad, encOff);
      }
    }
  }

  int hiddenSize() {
    return spec.coreSize();
  }
}
