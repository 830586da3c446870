package dev.mnemo.agents;

/**
 * One named tensor of a flat parameter layout: {@code rows x cols} floats, row-major, starting at
 * {@code offset} in the flat array. Biases are {@code 1 x n}.
 */
public record ParamTensor(String name, int rows, int cols, int offset) {
  public int size() {
    return rows * cols;
  }

  public int end() {
    return offset + size();
  }
}
