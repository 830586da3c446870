package dev.mnemo.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plain TCP binds loopback only; any other address needs TLS or {@code --insecure}. Nothing here binds. */
class BindPolicyTest {

  private static ClusterNode.Options learnerOn(String host) {
    return new ClusterNode.Options("learner", host, 2552, List.of("127.0.0.1:2552"));
  }

  @Test
  void loopbackNamesPassWithoutTls() {
    for (String h : List.of("127.0.0.1", "localhost", "LOCALHOST", "::1", "[::1]")) {
      assertEquals(Optional.empty(), BindPolicy.refusal(learnerOn(h)), h);
    }
  }

  @Test
  void anyOtherAddressIsRefusedWithoutTlsOrInsecure() {
    for (String h : List.of("0.0.0.0", "10.0.0.5", "192.168.1.20", "node1.example", "127.0.0.2", "::")) {
      String why = BindPolicy.refusal(learnerOn(h)).orElseThrow(() -> new AssertionError(h + " accepted"));
      assertTrue(why.contains(h) && why.contains("actors.tls") && why.contains("--insecure"), why);
    }
    assertEquals(Optional.empty(), BindPolicy.refusal(learnerOn("10.0.0.5").withTransport(Optional.empty(), true)));
    ArteryTls tls = new ArteryTls(Path.of("k.p12"), "p", null, Path.of("t.p12"), "p", "TLSv1.3");
    assertEquals(Optional.empty(), BindPolicy.refusal(learnerOn("10.0.0.5").withTransport(Optional.of(tls), false)));
  }

  @Test
  void startRefusesTooSoThatNoCallerBypassesIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ClusterNode.start(learnerOn("10.0.0.5"), null, null, null));
    assertTrue(e.getMessage().contains("refusing to bind 10.0.0.5:2552 without TLS"), e.getMessage());
  }

  @Test
  void theNodeCommandExitsTwoWithTheReasonBeforeAnythingStarts(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("node.conf");
    Files.writeString(conf, LearnerLifecycleTest.conf(dir.resolve("ckpt"), "5s"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ClusterNode.run(new String[] {"--role", "learner", "--host", "192.0.2.1", "--port", "0",
        conf.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String e = err.toString(StandardCharsets.UTF_8);
    assertEquals(2, code, e);
    assertTrue(e.contains("refusing to bind 192.0.2.1:0 without TLS") && e.contains("--insecure"), e);
    assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing started");
  }

  @Test
  void insecureIsParsed() {
    assertTrue(NodeArgs.parse(new String[] {"--role", "learner", "--insecure", "c.conf"}).insecure());
    assertFalse(NodeArgs.parse(new String[] {"--role", "learner", "c.conf"}).insecure());
  }
}
