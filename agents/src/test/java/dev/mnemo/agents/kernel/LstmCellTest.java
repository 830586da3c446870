package dev.mnemo.agents.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The reusable LSTM cell on its own: gate order [i, f, g, o], partial batches, untouched inputs. */
class LstmCellTest {

  @Test
  void cellStepMatchesTheGateEquationsForAPartialBatch() {
    int in = 9;
    int hs = 19;
    int maxRows = 7;
    int rows = 5;
    Random rng = new Random(5);
    // Flat params: Wx [in, 4H] at 0, then a gap, Wh [H, 4H], then b [4H] (offsets are arbitrary).
    int wxOff = 0;
    int whOff = in * 4 * hs + 3;
    int bOff = whOff + hs * 4 * hs + 1;
    float[] p = new float[bOff + 4 * hs];
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) (rng.nextGaussian() * 0.4);
    }
    int ldx = in + 2;
    float[] x = new float[rows * ldx];
    float[] h0 = new float[rows * hs];
    float[] c0 = new float[rows * hs];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rng.nextGaussian();
    }
    for (int i = 0; i < h0.length; i++) {
      h0[i] = (float) Math.tanh(rng.nextGaussian());
      c0[i] = (float) rng.nextGaussian();
    }
    float[] h0Copy = h0.clone();
    float[] c0Copy = c0.clone();
    for (BatchOps ops : new BatchOps[] {BatchOps.best(), new ScalarOps()}) {
      LstmCell cell = new LstmCell(ops, in, hs, maxRows);
      cell.load(p, wxOff, whOff, bOff);
      float[] h1 = new float[rows * hs];
      float[] c1 = new float[rows * hs];
      cell.step(rows, x, 0, ldx, h0, c0, h1, c1);
      for (int r = 0; r < rows; r++) {
        double[] z = new double[4 * hs];
        for (int j = 0; j < 4 * hs; j++) {
          double s = p[bOff + j];
          for (int i = 0; i < in; i++) {
            s += x[r * ldx + i] * (double) p[wxOff + i * 4 * hs + j];
          }
          for (int i = 0; i < hs; i++) {
            s += h0[r * hs + i] * (double) p[whOff + i * 4 * hs + j];
          }
          z[j] = s;
        }
        for (int j = 0; j < hs; j++) {
          double ig = 1 / (1 + Math.exp(-z[j]));
          double fg = 1 / (1 + Math.exp(-z[hs + j]));
          double gg = Math.tanh(z[2 * hs + j]);
          double og = 1 / (1 + Math.exp(-z[3 * hs + j]));
          double c = fg * c0[r * hs + j] + ig * gg;
          double h = og * Math.tanh(c);
          if (Math.abs(c - c1[r * hs + j]) > 1e-5 * Math.max(1, Math.abs(c))
              || Math.abs(h - h1[r * hs + j]) > 1e-5) {
            fail(ops.name() + " row " + r + " unit " + j + ": (h, c) = (" + h1[r * hs + j] + ", "
                + c1[r * hs + j] + "), expected (" + h + ", " + c + ")");
          }
        }
      }
      assertArrayEquals(h0Copy, h0, 0f, ops.name() + ": the previous h must stay intact");
      assertArrayEquals(c0Copy, c0, 0f, ops.name() + ": the previous c must stay intact");
    }
  }

  @Test
  void aliasedStatesAndOversizedBatchesAreRejected() {
    LstmCell cell = new LstmCell(BatchOps.best(), 2, 3, 2);
    float[] s = new float[6];
    assertThrows(IllegalArgumentException.class,
        () -> cell.step(2, new float[4], 0, 2, s, new float[6], s, new float[6]));
    assertThrows(IllegalArgumentException.class,
        () -> cell.step(3, new float[6], 0, 2, new float[9], new float[9], new float[9], new float[9]));
  }
}
