package dev.mnemo.gymhttp;

import java.io.OutputStream;
import java.util.Arrays;

/** A reusable, growing byte buffer that a {@code JsonGenerator} writes into (one array, no segments). */
final class ByteOut extends OutputStream {
  private byte[] buf;
  private int len;

  ByteOut(int capacity) {
    buf = new byte[Math.max(16, capacity)];
  }

  ByteOut reset() {
    len = 0;
    return this;
  }

  byte[] buffer() {
    return buf;
  }

  int length() {
    return len;
  }

  @Override
  public void write(int b) {
    ensure(1);
    buf[len++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int n) {
    ensure(n);
    System.arraycopy(b, off, buf, len, n);
    len += n;
  }

  private void ensure(int extra) {
    if (len + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
    }
  }
}
