package dev.mnemo.actors.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Key material for TLS tests, made with the JDK's own {@code keytool} (what a user would run): one PKCS12 key
 * store per node with a self-signed EC certificate, and trust stores holding the certificates a run trusts.
 */
final class TestKeys {
  static final String PASSWORD = "test-pass-1";

  private TestKeys() {
  }

  /** A key store {@code name.p12} in {@code dir} with one self-signed key pair (alias {@code name}). */
  static Path keyStore(Path dir, String name) throws IOException, InterruptedException {
    Path ks = dir.resolve(name + ".p12");
    keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
        "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", PASSWORD,
        "-keypass", PASSWORD, "-ext", "SAN=ip:127.0.0.1");
    return ks;
  }

  /** A trust store {@code name} in {@code dir} holding the certificate of each key store. */
  static Path trustStore(Path dir, String name, Path... keyStores) throws IOException, InterruptedException {
    Path ts = dir.resolve(name);
    for (Path ks : keyStores) {
      String alias = ks.getFileName().toString().replace(".p12", "");
      Path cert = dir.resolve(alias + ".crt");
      keytool("-exportcert", "-alias", alias, "-keystore", ks.toString(), "-storepass", PASSWORD, "-rfc",
          "-file", cert.toString());
      keytool("-importcert", "-noprompt", "-alias", alias, "-file", cert.toString(), "-storetype", "PKCS12",
          "-keystore", ts.toString(), "-storepass", PASSWORD);
    }
    return ts;
  }

  /** The {@code actors.tls} block of a node file using these stores. */
  static String tlsBlock(Path keyStore, Path trustStore) {
    return "tls { enabled = true, protocol = TLSv1.3, key_store_password = \"" + PASSWORD + "\", "
        + "trust_store_password = \"" + PASSWORD + "\", key_store = \"" + slashes(keyStore) + "\", "
        + "trust_store = \"" + slashes(trustStore) + "\" }";
  }

  static String slashes(Path p) {
    return p.toAbsolutePath().toString().replace("\\", "/");
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
    }
  }
}
