package dev.mnemo.agents.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The benchmark runs end to end on a tiny network, counts FLOPs right and rejects unknown options. */
class ActorKernelBenchSmokeTest {

  @Test
  void tinyRunPrintsEveryRowAndTheFlopCountOfTheSpec() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ActorKernelBench.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), "seconds=0.02",
        "batches=1,5", "obs=3", "actions=2", "encoder=8", "lstm=8", "head=4");
    String out = bytes.toString(StandardCharsets.UTF_8);
    // MACs per env: enc 6x8 + LSTM (8+8)x32 + heads 8x(2*4) + 4x(1+2) = 48 + 512 + 64 + 12 = 636.
    assertTrue(out.contains("FLOPs per step at batch 5: 6360 (1272 per env"), out);
    assertTrue(out.contains("FLOPs per step at batch 1: 1272 "), out);
    for (String row : new String[] {"kernel vector-api", "kernel scalar",
        "SameDiff RecurrentQNetwork forward", "SameDiff one-step graph", "Peak FP32, measured:",
        "Peak FP32, derived:", "Batch-1 reference", "would be", "of that bound"}) {
      assertTrue(out.contains(row), "missing '" + row + "' in:\n" + out);
    }
  }

  @Test
  void badOptionsFailNamingTheOffendingOne() {
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> ActorKernelBench.run(sink, "batchez=4"));
    assertTrue(unknown.getMessage().contains("batchez"), unknown.getMessage());
    IllegalArgumentException notNumber = assertThrows(IllegalArgumentException.class,
        () -> ActorKernelBench.run(sink, "lstm=big"));
    assertTrue(notNumber.getMessage().contains("lstm=big"), notNumber.getMessage());
    IllegalArgumentException zeroBatch = assertThrows(IllegalArgumentException.class,
        () -> ActorKernelBench.run(sink, "batches=1,0"));
    assertTrue(zeroBatch.getMessage().contains("batches=[1, 0]"), zeroBatch.getMessage());
  }
}
