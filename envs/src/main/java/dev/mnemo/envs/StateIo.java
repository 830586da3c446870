package dev.mnemo.envs;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Arrays in and out of the state streams that checkpoints of acting state are made of ({@code writeState} /
 * {@code readState} of a vector env, an acting loop, a policy): element by element in the stream's big-endian
 * encoding, no length prefix (each reader knows its shape and checks it before). The replay module keeps its own
 * copy in {@code SequenceAdder}: it depends on the JDK alone.
 */
public final class StateIo {

  private StateIo() {
  }

  /** Writes {@code a[off, off + n)}. */
  public static void writeFloats(DataOutput out, float[] a, int off, int n) throws IOException {
    for (int i = 0; i < n; i++) {
      out.writeFloat(a[off + i]);
    }
  }

  /** Reads {@code n} floats into {@code a[off, off + n)}. */
  public static void readFloats(DataInput in, float[] a, int off, int n) throws IOException {
    for (int i = 0; i < n; i++) {
      a[off + i] = in.readFloat();
    }
  }

  /** Writes {@code a[off, off + n)}. */
  public static void writeInts(DataOutput out, int[] a, int off, int n) throws IOException {
    for (int i = 0; i < n; i++) {
      out.writeInt(a[off + i]);
    }
  }
}
