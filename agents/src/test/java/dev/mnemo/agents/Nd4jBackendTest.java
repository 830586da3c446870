package dev.mnemo.agents;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The linux-x86_64 CPU backend loads from the pinned artifacts and SameDiff computes gradients. */
class Nd4jBackendTest {

  @Test
  void sameDiffMatmulAndGradientOnTheCpuBackend() {
    SameDiff sd = SameDiff.create();
    SDVariable x = sd.placeHolder("x", DataType.FLOAT, 1, 2);
    SDVariable w = sd.var("w", Nd4j.createFromArray(new float[][] {{1f, 2f}, {3f, 4f}}));
    SDVariable y = x.mmul(w);
    SDVariable loss = y.sum().rename("loss");
    sd.setLossVariables(loss);
    INDArray in = Nd4j.createFromArray(new float[][] {{1f, -1f}});
    INDArray out = sd.output(java.util.Map.of("x", in), "loss").get("loss");
    // y = [1-3, 2-4] = [-2, -2], sum = -4
    assertArrayEquals(new float[] {-4f}, new float[] {out.getFloat(0)}, 1e-6f);
    INDArray grad = QuietSameDiff.calculateGradients(sd, java.util.Map.of("x", in), "w").get("w");
    // d(sum(xW))/dW_ij = x_i
    assertArrayEquals(new float[] {1f, 1f, -1f, -1f}, grad.reshape(4).toFloatVector(), 1e-6f);
  }
}
