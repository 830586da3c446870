package dev.mnemo.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real JVMs on 127.0.0.1 over Artery's TLS transport with mutual authentication, key material made with
 * {@code keytool} (a PKCS12 key store per node, self-signed, one shared trust store): an actor node whose
 * certificate is trusted joins and its sequences reach the learner; one whose certificate is not cannot join and
 * stops when its {@code learner_wait} runs out, its workers never started. Waits are on conditions, bounds generous.
 */
class TlsClusterTest {

  /** {@link LearnerLifecycleTest#conf} with TLS on, using these stores. */
  private static Path conf(Path dir, String name, Path keyStore, Path trustStore, String learnerWait)
      throws Exception {
    String plain = LearnerLifecycleTest.conf(dir.resolve("ckpt"), learnerWait);
    int close = plain.lastIndexOf('}');
    Path f = dir.resolve(name);
    Files.writeString(f, plain.substring(0, close) + "\n  " + TestKeys.tlsBlock(keyStore, trustStore) + "\n}\n");
    return f;
  }

  @Test
  void aTrustedActorNodeJoinsOverTlsAndSequencesFlow(@TempDir Path dir) throws Exception {
    Path learnerKey = TestKeys.keyStore(dir, "learner");
    Path actorKey = TestKeys.keyStore(dir, "actor");
    Path trust = TestKeys.trustStore(dir, "trust.p12", learnerKey, actorKey);
    int port = NodeJvm.freePort();
    try (NodeJvm learner = NodeJvm.start(dir.resolve("learner.log"), "--role", "learner", "--port", "" + port,
            conf(dir, "learner.conf", learnerKey, trust, "60s").toString());
        NodeJvm actor = NodeJvm.start(dir.resolve("actor.log"), "--role", "actor", "--seed-nodes",
            "127.0.0.1:" + port, conf(dir, "actor.conf", actorKey, trust, "60s").toString())) {
      NodeJvm.await("the actor node starts its workers", 180, () -> !actor.events("workers_started").isEmpty(),
          learner, actor);
      NodeJvm.await("the learner receives env steps from the actor node", 180,
          () -> learner.lastStatus().map(s -> s[0] > 0).orElse(false), learner, actor);
      NodeJvm.await("the learner sees the remote worker", 60, () -> learner.events("workers_changed").stream()
          .anyMatch(e -> e.contains("\"workers\":1")), learner, actor);
      // The learner's port speaks TLS 1.3 and presents the learner's certificate to a client holding a trusted key.
      try (SSLSocket s = (SSLSocket) client(actorKey, trust).getSocketFactory().createSocket("127.0.0.1", port)) {
        s.startHandshake();
        assertEquals("TLSv1.3", s.getSession().getProtocol());
        assertEquals("CN=learner", s.getSession().getPeerPrincipal().getName());
      }
    }
  }

  /** A JSSE client context with this key store and trust store (what Artery's engine builds from the config). */
  private static SSLContext client(Path keyStore, Path trustStore) throws Exception {
    char[] pw = TestKeys.PASSWORD.toCharArray();
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(KeyStore.getInstance(keyStore.toFile(), pw), pw);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(KeyStore.getInstance(trustStore.toFile(), pw));
    SSLContext ctx = SSLContext.getInstance("TLSv1.3");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  @Test
  void anActorNodeWhoseCertificateIsNotTrustedCannotJoin(@TempDir Path dir) throws Exception {
    Path learnerKey = TestKeys.keyStore(dir, "learner");
    Path rogueKey = TestKeys.keyStore(dir, "rogue");
    // The rogue trusts the learner, but the learner's trust store does not hold the rogue's certificate: mutual
    // authentication must turn it away even though it could verify the learner.
    Path trust = TestKeys.trustStore(dir, "trust.p12", learnerKey);
    Path rogueTrust = TestKeys.trustStore(dir, "rogue-trust.p12", learnerKey);
    int port = NodeJvm.freePort();
    try (NodeJvm learner = NodeJvm.start(dir.resolve("learner.log"), "--role", "learner", "--port", "" + port,
            conf(dir, "learner.conf", learnerKey, trust, "60s").toString());
        NodeJvm rogue = NodeJvm.start(dir.resolve("rogue.log"), "--role", "actor", "--seed-nodes",
            "127.0.0.1:" + port, conf(dir, "rogue.conf", rogueKey, rogueTrust, "10s").toString())) {
      NodeJvm.await("the learner is up", 180, () -> learner.lastStatus().isPresent(), learner, rogue);
      assertTrue(rogue.process.waitFor(180, TimeUnit.SECONDS), "the rogue node gives up" + rogue.tail());
      assertEquals(0, rogue.process.exitValue(), rogue.tail());
      List<String> stopped = rogue.events("actor_node_stopped");
      assertEquals(1, stopped.size(), rogue.tail());
      assertTrue(stopped.get(0).contains("\"kind\":\"wait_expired\""), stopped.get(0));
      assertTrue(rogue.events("workers_started").isEmpty(), "never joined" + rogue.tail());
      assertTrue(learner.events("workers_changed").stream().noneMatch(e -> e.contains("\"workers\":1")),
          "the learner never saw a remote worker" + learner.tail());
      assertEquals(0L, learner.lastStatus().orElseThrow()[0], "no env step reached the learner" + learner.tail());
    }
  }
}
