package dev.mnemo.agents;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.Collection;
import java.util.Map;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Builds a SameDiff graph's gradient function without the line per op that ND4J 1.0.0-M2.1 prints.
 *
 * <p>{@code SameDiff.createGradFunction} (called by {@code calculateGradients} the first time a graph is
 * differentiated) prints {@code "Added differentiated op <name>"} for every op it differentiates with a bare
 * {@code System.out.println} in {@code lambda$createGradFunction$1} (seen with {@code javap -c} on
 * nd4j-api-1.0.0-M2.1.jar: {@code getstatic System.out}, no logger and no flag around it). No logging
 * configuration reaches it and SameDiff has no switch for it, so, as a last resort, {@link #createGradFunction}
 * swaps {@code System.out} for the duration of that one call for a stream that drops exactly those lines and
 * passes every other line through unchanged (another thread printing meanwhile loses nothing). The gradient
 * function is built once per graph (SameDiff keeps it under the name {@code "grad"}), so this costs nothing per
 * update. The swap is serialised by a lock and undone only if nobody replaced {@code System.out} meanwhile.
 */
public final class QuietSameDiff {

  /** The prefix of the lines dropped. */
  static final String PREFIX = "Added differentiated op ";
  private static final Object LOCK = new Object();

  private QuietSameDiff() {}

  /** Builds {@code sd}'s gradient function (once: a graph that has one is left alone) without the op lines. */
  public static void createGradFunction(SameDiff sd) {
    if (sd.getFunction("grad") != null) {
      return;
    }
    synchronized (LOCK) {
      PrintStream original = System.out;
      PrintStream filter = filtering(original);
      System.setOut(filter);
      try {
        sd.createGradFunction();
      } finally {
        filter.flush();
        if (System.out == filter) {
          System.setOut(original);
        }
      }
    }
  }

  /** {@code sd.calculateGradients(placeholders, variables)} with the gradient function built quietly first. */
  public static Map<String, INDArray> calculateGradients(SameDiff sd, Map<String, INDArray> placeholders,
      Collection<String> variables) {
    createGradFunction(sd);
    return sd.calculateGradients(placeholders, variables);
  }

  /** {@code sd.calculateGradients(placeholders, variables)} with the gradient function built quietly first. */
  public static Map<String, INDArray> calculateGradients(SameDiff sd, Map<String, INDArray> placeholders,
      String... variables) {
    return calculateGradients(sd, placeholders, java.util.List.of(variables));
  }

  /**
   * A stream that writes whole lines to {@code target}, except lines starting with {@link #PREFIX}; a partial
   * last line goes out on {@link PrintStream#flush()}.
   */
  static PrintStream filtering(PrintStream target) {
    return new PrintStream(new LineFilter(target), false, Charset.defaultCharset());
  }

  private static final class LineFilter extends OutputStream {
    private final PrintStream target;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final byte[] prefix = PREFIX.getBytes(Charset.defaultCharset());

    LineFilter(PrintStream target) {
      this.target = target;
    }

    @Override
    public synchronized void write(int b) {
      line.write(b);
      if (b == '\n') {
        emit();
      }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      for (int i = off; i < off + len; i++) {
        write(b[i]);
      }
    }

    @Override
    public synchronized void flush() {
      emit();
      target.flush();
    }

    private void emit() {
      if (line.size() == 0) {
        return;
      }
      byte[] bytes = line.toByteArray();
      line.reset();
      if (!startsWithPrefix(bytes)) {
        target.write(bytes, 0, bytes.length);
      }
    }

    private boolean startsWithPrefix(byte[] bytes) {
      if (bytes.length < prefix.length) {
        return false;
      }
      for (int i = 0; i < prefix.length; i++) {
        if (bytes[i] != prefix[i]) {
          return false;
        }
      }
      return true;
    }
  }
}
