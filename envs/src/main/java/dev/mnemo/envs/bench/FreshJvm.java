package dev.mnemo.envs.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs one measurement in a fresh JVM and returns the figures it printed. The child is this JVM's binary, with its
 * flags (so a launcher's {@code -XX} and {@code --add-modules} options hold there too) and its class path. It runs
 * {@code main} with {@code args} and must print one line {@code TAG f1 f2 ...} and exit 0.
 *
 * <p>Why benchmarks fork: on this project's hosts the same pass, measured in fresh JVMs one after another, differs
 * by up to 1.6x between them, while most JVMs are steady within themselves
 * ({@code experiments/ald/kernel-probes/README.md}). A figure from one JVM is one draw of that spread.
 */
public final class FreshJvm {

  private FreshJvm() {}

  /**
   * The fields after {@code tag} on the first line of the child's output that starts with {@code tag + " "}.
   * {@code what} names the measurement in errors. Throws {@link IllegalStateException}, with the child's whole output
   * and command, when the child cannot start, exits other than 0 or prints no such line.
   */
  static String[] row(Class<?> main, List<String> args, String tag, String what) {
    String javaBinary = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBinary);
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!arg.startsWith("-agentlib:jdwp") && !arg.startsWith("-XX:StartFlightRecording")) {
        cmd.add(arg); // a debugger port or a recording file cannot be shared with the child
      }
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    cmd.addAll(args);
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int code = p.waitFor();
      for (String line : output.split("\\R")) {
        if (code == 0 && line.startsWith(tag + " ")) {
          String[] f = line.trim().split(" +");
          return Arrays.copyOfRange(f, 1, f.length);
        }
      }
      throw new IllegalStateException("the JVM measuring " + what + " exited with " + code + " and no '" + tag
          + "' line; it printed:\n" + output + "\ncommand: " + String.join(" ", cmd));
    } catch (IOException e) {
      throw new IllegalStateException("could not start a JVM to measure " + what + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while measuring " + what, e);
    }
  }

  /**
   * The {@code count} figures a child printed after {@code tag} ({@link #row}), as numbers. An
   * {@link IllegalStateException} says so when the child printed another number of figures, or one that is not a
   * number.
   */
  public static double[] figures(Class<?> main, List<String> args, String tag, String what, int count) {
    String[] fields = row(main, args, tag, what);
    if (fields.length != count) {
      throw new IllegalStateException("the JVM measuring " + what + " printed " + fields.length + " figures, not "
          + count);
    }
    return numbers(fields, what);
  }

  /** {@link #row}'s fields as numbers; an {@link IllegalStateException} names a field that is not one. */
  static double[] numbers(String[] fields, String what) {
    double[] v = new double[fields.length];
    for (int i = 0; i < v.length; i++) {
      try {
        v[i] = Double.parseDouble(fields[i]);
      } catch (NumberFormatException e) {
        throw new IllegalStateException("the JVM measuring " + what + " printed '" + fields[i] + "' as figure " + i
            + ", not a number", e);
      }
    }
    return v;
  }
}
