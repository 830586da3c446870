package dev.mnemo.envs.memory;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Writes Meta-Fetch observation rows a vector at a time, for a stepper whose rows lie end to end in one batch:
 *
 * <pre>
 *   row[j] = (objectRow[j] - ax * AX[j] - ay * AY[j]) * SCALE[j]
 * </pre>
 *
 * where {@code AX} is -1 in the agent's column slot (0) and 1 in each object's column slot ({@code 2 + 3k}),
 * {@code AY} likewise for rows (slots 1 and {@code 3 + 3k}), and {@code SCALE} is {@code 1 / (size - 1)} in those
 * slots, 1 in the presence slots ({@code 4 + 3k}) and 0 elsewhere. In int arithmetic, then one conversion and one
 * multiply per float, this is exactly {@link MetaFetch}'s {@code observe}: {@code ax * scale} and
 * {@code (ox - ax) * scale} with the int converted exactly, the presence flag times 1. The two fetch flags (the last
 * two slots) come out 0 and are the caller's to write.
 *
 * <p>A row is {@link MetaFetch#paddedWidth} floats wide in the vectors: a store of the last vector runs past the
 * row's end into the next row, so rows are written in increasing order and only those that {@link #rowsThatFit} the
 * batch; the caller writes the last row or few float by float. Load only when {@code jdk.incubator.vector} is in the
 * boot layer.
 */
final class MetaFetchRows {
  private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED.length() <= MetaFetch.ROW_ALIGN
      ? IntVector.SPECIES_PREFERRED : IntVector.SPECIES_512;
  private static final VectorSpecies<Float> FLOATS = INTS.withLanes(float.class);

  private final int width;
  private final int[] ax;
  private final int[] ay;
  private final float[] scale;

  /** Rows of a {@code size x size} grid with {@code objects} objects. */
  MetaFetchRows(int size, int objects) {
    width = MetaFetch.paddedWidth(MetaFetch.rowWidth(objects));
    ax = new int[width];
    ay = new int[width];
    scale = new float[width];
    float s = 1f / (size - 1);
    ax[0] = -1;
    ay[1] = -1;
    scale[0] = s;
    scale[1] = s;
    for (int k = 0, j = 2; k < objects; k++, j += 3) {
      ax[j] = 1;
      ay[j + 1] = 1;
      scale[j] = s;
      scale[j + 1] = s;
      scale[j + 2] = 1f;
    }
  }

  /**
   * How many rows of {@code stride} floats, from row 0, {@link #write} may write when the rows end at
   * {@code length}: those whose padding stays before it.
   */
  int rowsThatFit(int length, int stride) {
    return length < width ? 0 : (length - width) / stride + 1;
  }

  /**
   * Writes rows {@code 0 .. count} at {@code obs[stride * i ..]}: row {@code i} of an agent at {@code (xs[i], ys[i])}
   * with {@code objectRows[i]}, and whatever the padding gives after it, up to {@code obs[stride * i + width)}.
   * {@code count} is at most {@link #rowsThatFit}.
   */
  void write(int[][] objectRows, int[] xs, int[] ys, int count, float[] obs, int stride) {
    if (width == INTS.length()) { // one vector per row: the constant vectors stay in registers
      IntVector ax0 = IntVector.fromArray(INTS, ax, 0);
      IntVector ay0 = IntVector.fromArray(INTS, ay, 0);
      FloatVector scale0 = FloatVector.fromArray(FLOATS, scale, 0);
      for (int i = 0; i < count; i++) {
        IntVector agent = ax0.mul(xs[i]).add(ay0.mul(ys[i]));
        FloatVector row = (FloatVector) IntVector.fromArray(INTS, objectRows[i], 0).sub(agent)
            .convert(VectorOperators.I2F, 0);
        row.mul(scale0).intoArray(obs, stride * i);
      }
      return;
    }
    for (int i = 0; i < count; i++) {
      int x = xs[i];
      int y = ys[i];
      int[] objectRow = objectRows[i];
      for (int j = 0, off = stride * i; j < width; j += INTS.length()) {
        IntVector agent = IntVector.fromArray(INTS, ax, j).mul(x).add(IntVector.fromArray(INTS, ay, j).mul(y));
        FloatVector row = (FloatVector) IntVector.fromArray(INTS, objectRow, j).sub(agent)
            .convert(VectorOperators.I2F, 0);
        row.mul(FloatVector.fromArray(FLOATS, scale, j)).intoArray(obs, off + j);
      }
    }
  }
}
