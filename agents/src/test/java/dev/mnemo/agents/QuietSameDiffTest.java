package dev.mnemo.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class QuietSameDiffTest {

  private static SameDiff graph() {
    SameDiff sd = SameDiff.create();
    SDVariable x = sd.placeHolder("x", DataType.FLOAT, 2, 3);
    SDVariable w = sd.var("w", Nd4j.rand(DataType.FLOAT, 3, 4));
    sd.setLossVariables(sd.nn().relu(x.mmul(w), 0).sum().rename("loss"));
    return sd;
  }

  /** Runs {@code r} with System.out captured; returns what it printed. */
  private static String capture(Runnable r) {
    PrintStream original = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream captured = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    System.setOut(captured);
    try {
      r.run();
    } finally {
      System.setOut(original);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void sameDiffPrintsOneLinePerOpAndTheQuietBuildPrintsNone() {
    // The workaround exists because ND4J M2.1 prints these; if an upgrade stops it, this fails and says so.
    String loud = capture(() -> graph().createGradFunction());
    assertTrue(loud.contains(QuietSameDiff.PREFIX), "SameDiff no longer prints its op lines: " + loud);

    SameDiff sd = graph();
    PrintStream[] during = new PrintStream[2];
    String quiet = capture(() -> {
      during[0] = System.out;
      QuietSameDiff.createGradFunction(sd);
      during[1] = System.out;
    });
    assertEquals("", quiet);
    assertSame(during[0], during[1], "System.out restored after the build");
    assertNotNull(sd.getFunction("grad"), "the gradient function was built");

    INDArray x = Nd4j.ones(DataType.FLOAT, 2, 3);
    String again = capture(() -> {
      Map<String, INDArray> g = QuietSameDiff.calculateGradients(sd, Map.of("x", x), "w");
      assertEquals(3, g.get("w").rows());
    });
    assertEquals("", again);
  }

  @Test
  void theFilterDropsOnlyTheOpLinesAndKeepsEverythingElseInOrder() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream target = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    PrintStream f = QuietSameDiff.filtering(target);
    f.println("first");
    f.println(QuietSameDiff.PREFIX + "add_66");
    f.println("  Added differentiated op indented stays");
    f.print("partial ");
    f.print("line");
    f.flush();
    assertEquals("first\n  Added differentiated op indented stays\npartial line",
        bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
  }
}
