package dev.mnemo.agents.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The GTrXL acting benchmark runs end to end on a tiny shape, counts MACs right and rejects unknown options. */
class GtrxlKernelBenchSmokeTest {

  @Test
  void tinyRunPrintsEveryRowAndTheMacCount() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    GtrxlKernelBench.Result r = GtrxlKernelBench.run(new PrintStream(bytes, true, StandardCharsets.UTF_8),
        "seconds=0.02", "envs=3", "layers=1", "width=8", "heads=2", "memory=4", "segment=3", "ff=6", "input=5",
        "lstm=8", "obs=3", "actions=2", "encoder=8", "head=4");
    String out = bytes.toString(StandardCharsets.UTF_8);
    // Embedding 5x8 + one layer: qkv 3*64 + Wo 64 + two gates 2*6*64 + MLP 2*8*6 + attention 2*8*keys, keys =
    // round(4 + 2) = 6: 40 + 192 + 64 + 768 + 96 + 96 = 1256.
    assertTrue(out.contains("mean visible keys (6.0): 1256;"), out);
    for (String row : new String[] {"GTrXL trunk, KV cache", "no cache", "LSTM core 8", "R2D2 LSTM actor"}) {
      assertTrue(out.contains(row), "missing '" + row + "' in:\n" + out);
    }
    assertTrue(r.gtrxlUs() > 0 && r.lstmCoreUs() > 0 && r.uncachedUs() > 0 && r.lstmActorUs() > 0, out);
  }

  @Test
  void unknownOrMalformedArgumentsAreRefused() {
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertThrows(IllegalArgumentException.class, () -> GtrxlKernelBench.run(sink, "layerz=2"));
    assertThrows(IllegalArgumentException.class, () -> GtrxlKernelBench.run(sink, "width=big"));
    assertThrows(IllegalArgumentException.class, () -> GtrxlKernelBench.run(sink, "envs=0"));
  }
}
