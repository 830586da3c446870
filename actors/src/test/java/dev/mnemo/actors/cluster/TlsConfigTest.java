package dev.mnemo.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code actors.tls}: read, checked with named errors before anything starts, and mapped onto Artery's TLS. */
class TlsConfigTest {
  @TempDir
  static Path dir;
  static Path keyStore;
  static Path trustStore;

  @BeforeAll
  static void keys() throws Exception {
    keyStore = TestKeys.keyStore(dir, "node");
    trustStore = TestKeys.trustStore(dir, "trust.p12", keyStore);
  }

  private static Config actors(String tls) {
    return ConfigFactory.parseString("actors { " + tls + " }");
  }

  /** The problems of a block written to {@code node.conf} (a file, so problems carry its lines). */
  private static List<String> problems(String tls) throws Exception {
    Path f = dir.resolve("node.conf");
    Files.writeString(f, "actors { " + tls + " }");
    return TlsConfig.read(ConfigFactory.parseFile(f.toFile()), f.toString()).problems().stream()
        .map(p -> p.toString().replace(f.toString(), "node.conf")).toList();
  }

  @Test
  void noBlockOrDisabledIsPlainTcp() {
    assertTrue(TlsConfig.read(ConfigFactory.parseString("actors { workers = 1 }"), "f").tls().isEmpty());
    TlsConfig.Result off = TlsConfig.read(actors("tls { enabled = false, key_store = \"/nowhere\" }"), "f");
    assertTrue(off.tls().isEmpty());
    assertEquals(List.of(), off.problems(), "stores are not checked while TLS is off");
  }

  @Test
  void aValidBlockMapsOntoArteryTlsWithMutualAuthentication() {
    TlsConfig.Result r = TlsConfig.read(actors(TestKeys.tlsBlock(keyStore, trustStore)), "f");
    assertEquals(List.of(), r.problems());
    ArteryTls tls = r.tls().orElseThrow();
    Config pekko = tls.pekkoConfig();
    assertEquals("tls-tcp", pekko.getString("pekko.remote.artery.transport"));
    Config engine = pekko.getConfig("pekko.remote.artery.ssl.config-ssl-engine");
    assertTrue(engine.getBoolean("require-mutual-authentication"));
    assertEquals("TLSv1.3", engine.getString("protocol"));
    assertEquals(keyStore.toAbsolutePath().toString(), engine.getString("key-store"));
    assertEquals(TestKeys.PASSWORD, engine.getString("key-password"), "keytool's PKCS12: key password = store's");
    assertFalse(tls.toString().contains(TestKeys.PASSWORD), "passwords never printed: " + tls);
  }

  @Test
  void tls12IsAcceptedWithForwardSecretSuitesOnly() {
    ArteryTls tls = TlsConfig.read(actors(TestKeys.tlsBlock(keyStore, trustStore).replace("TLSv1.3", "TLSv1.2")),
        "f").tls().orElseThrow();
    List<String> suites = tls.pekkoConfig().getStringList("pekko.remote.artery.ssl.config-ssl-engine.enabled-algorithms");
    assertTrue(suites.stream().allMatch(s -> s.contains("ECDHE") && s.contains("GCM")), suites.toString());
  }

  @Test
  void aMissingKeyStoreFileIsNamed() throws Exception {
    Path missing = dir.resolve("no-such.p12");
    List<String> p = problems(TestKeys.tlsBlock(missing, trustStore));
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).startsWith("node.conf:1: actors.tls.key_store: no such key store file: "
        + missing.toAbsolutePath()), p.get(0));
  }

  @Test
  void everyProblemIsReportedAtOnceWithFileKeyAndValue() throws Exception {
    List<String> p = problems("tls {\n enabled = true\n protocol = SSLv3\n keystore = x\n"
        + " trust_store = \"" + TestKeys.slashes(trustStore) + "\"\n trust_store_password = 42\n}");
    String all = String.join("\n", p);
    assertTrue(all.contains("node.conf:3: actors.tls.protocol: expected one of TLSv1.3, TLSv1.2, got string \"SSLv3\""),
        all);
    assertTrue(all.contains("node.conf:4: actors.tls.keystore: unknown key"), all);
    assertTrue(all.contains("actors.tls.key_store: required when actors.tls.enabled = true"), all);
    assertTrue(all.contains("actors.tls.key_store_password: required"), all);
    assertTrue(all.contains("node.conf:6: actors.tls.trust_store_password: expected a string, got number (hidden)"),
        all);
  }

  @Test
  void aWrongPasswordIsNamedWithoutPrintingIt() throws Exception {
    List<String> p = problems(TestKeys.tlsBlock(keyStore, trustStore)
        .replace("key_store_password = \"" + TestKeys.PASSWORD, "key_store_password = \"wrong-one"));
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).contains("actors.tls.key_store_password: cannot open " + keyStore), p.get(0));
    assertFalse(p.get(0).contains("wrong-one"), p.get(0));
  }

  @Test
  void aTrustStoreAsKeyStoreIsRefused() throws Exception {
    List<String> p = problems(TestKeys.tlsBlock(trustStore, trustStore));
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).contains("actors.tls.key_store: key store " + trustStore + " holds no private key"), p.get(0));
  }

  @Test
  void aNodeFileWithBadTlsIsRefusedBeforeAnythingStarts(@TempDir Path d) throws Exception {
    Path conf = d.resolve("node.conf");
    Files.writeString(conf, "env = cartpole\nactors {\n  workers = 1\n  "
        + TestKeys.tlsBlock(d.resolve("gone.p12"), trustStore) + "\n}\n");
    NodeConfig.InvalidNodeConfigException e = assertThrows(NodeConfig.InvalidNodeConfigException.class,
        () -> NodeConfig.read(conf));
    assertTrue(e.getMessage().contains(conf + ":4: actors.tls.key_store: no such key store file"), e.getMessage());
    Files.writeString(conf, "env = cartpole\nactors { " + TestKeys.tlsBlock(keyStore, trustStore) + " }\n");
    assertTrue(NodeConfig.read(conf).tls().isPresent());
  }
}
