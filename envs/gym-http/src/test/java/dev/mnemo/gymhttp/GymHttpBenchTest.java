package dev.mnemo.gymhttp;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The benchmark entry point measures both cells and reports their ratio (a smoke run, no speed claim). */
class GymHttpBenchTest {

  @Test
  void reportsInProcessAndHttpRatesAndTheirRatio() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    GymHttpBench.run(new PrintStream(buf, true, StandardCharsets.UTF_8), "--seconds", "0.1", "--warmup", "0.1",
        "--env", "tmaze");
    String out = buf.toString(StandardCharsets.UTF_8);
    Matcher local = Pattern.compile("in-process\\s+([\\d,]+) steps/s").matcher(out);
    Matcher http = Pattern.compile("through HTTP\\s+([\\d,]+) steps/s").matcher(out);
    assertTrue(local.find() && http.find() && out.contains("ratio HTTP / in-process")
        && out.matches("(?s).*JSON of one step, both sides \\(Jackson streaming\\): \\d+ ns.*"), out);
    assertTrue(Long.parseLong(local.group(1).replace(",", "")) > 0
        && Long.parseLong(http.group(1).replace(",", "")) > 0, "both rates must be measured: " + out);
  }

  @Test
  void unknownArgumentsAreRefusedNamingTheValidOnes() {
    String m = assertThrows(IllegalArgumentException.class,
        () -> GymHttpBench.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            "--secs", "1")).getMessage();
    assertTrue(m.contains("'--secs'") && m.contains("--seconds S") && m.contains("--warmup W"), m);
  }
}
