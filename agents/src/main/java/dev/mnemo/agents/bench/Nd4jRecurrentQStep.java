package dev.mnemo.agents.bench;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.r2d2.RecurrentQSpec;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The recurrent Q-network step written op by op on ND4J (matrix products through {@code mmul}, one
 * native call per op): the DL4J-side baseline for the actor kernel benchmark. Not a SameDiff graph; the
 * benchmark labels it as such.
 */
final class Nd4jRecurrentQStep {

  private final RecurrentQSpec spec;
  private final INDArray[] encW;
  private final INDArray[] encB;
  private final INDArray wx;
  private final INDArray wh;
  private final INDArray lb;
  private final INDArray v1w;
  private final INDArray v1b;
  private final INDArray v2w;
  private final INDArray v2b;
  private final INDArray a1w;
  private final INDArray a1b;
  private final INDArray a2w;
  private final INDArray a2b;
  private INDArray h;
  private INDArray c;

  Nd4jRecurrentQStep(RecurrentQSpec spec, ParamSnapshot snap, int batch) {
    this.spec = spec;
    Map<String, ParamTensor> lay = spec.layoutByName();
    float[] p = snap.params();
    int n = spec.encoderSizes().size();
    encW = new INDArray[n];
    encB = new INDArray[n];
    for (int k = 0; k < n; k++) {
      encW[k] = tensor(p, lay.get("enc" + k + ".W"));
      encB[k] = tensor(p, lay.get("enc" + k + ".b"));
    }
    wx = tensor(p, lay.get("lstm.Wx"));
    wh = tensor(p, lay.get("lstm.Wh"));
    lb = tensor(p, lay.get("lstm.b"));
    v1w = tensor(p, lay.get("v1.W"));
    v1b = tensor(p, lay.get("v1.b"));
    v2w = tensor(p, lay.get("v2.W"));
    v2b = tensor(p, lay.get("v2.b"));
    a1w = tensor(p, lay.get("a1.W"));
    a1b = tensor(p, lay.get("a1.b"));
    a2w = tensor(p, lay.get("a2.W"));
    a2b = tensor(p, lay.get("a2.b"));
    h = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, batch, spec.lstmSize());
    c = h.dup();
  }

  private static INDArray tensor(float[] p, ParamTensor t) {
    float[] v = java.util.Arrays.copyOfRange(p, t.offset(), t.end());
    return Nd4j.createFromArray(v).reshape('c', t.rows(), t.cols());
  }

  /** One step from a prepared input {@code [batch, inputSize]}; returns Q {@code [batch, A]}. */
  INDArray step(INDArray x) {
    INDArray e = x;
    for (int k = 0; k < encW.length; k++) {
      e = Transforms.relu(e.mmul(encW[k]).addiRowVector(encB[k]), false);
    }
    int hs = spec.lstmSize();
    INDArray z = e.mmul(wx).addi(h.mmul(wh)).addiRowVector(lb);
    INDArray i = Transforms.sigmoid(z.get(NDArrayIndex.all(), NDArrayIndex.interval(0, hs)), true);
    INDArray f = Transforms.sigmoid(z.get(NDArrayIndex.all(), NDArrayIndex.interval(hs, 2 * hs)), true);
    INDArray g = Transforms.tanh(z.get(NDArrayIndex.all(), NDArrayIndex.interval(2 * hs, 3 * hs)), true);
    INDArray o = Transforms.sigmoid(z.get(NDArrayIndex.all(), NDArrayIndex.interval(3 * hs, 4 * hs)), true);
    c = f.muli(c).addi(i.muli(g));
    h = o.mul(Transforms.tanh(c, true));
    INDArray v = Transforms.relu(h.mmul(v1w).addiRowVector(v1b), false).mmul(v2w).addiRowVector(v2b);
    INDArray a = Transforms.relu(h.mmul(a1w).addiRowVector(a1b), false).mmul(a2w).addiRowVector(a2b);
    return a.subColumnVector(a.mean(true, 1)).addiColumnVector(v);
  }
}
