package dev.mnemo.actors.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Artery's TLS transport for a cluster node ({@code actors.tls} of a node file, read by {@link TlsConfig}): every
 * connection between nodes is TLS and both ends must present a certificate the other's trust store holds
 * ({@code require-mutual-authentication = on}), so only holders of a trusted key can join the cluster.
 *
 * @param keyStore this node's private key and certificate (PKCS12 or JKS)
 * @param keyStorePassword the key store's password
 * @param keyPassword the private key's password (PKCS12 made by keytool: the store's)
 * @param trustStore the certificates of every node allowed to connect (the run's shared trust store)
 * @param trustStorePassword the trust store's password
 * @param protocol {@code TLSv1.3} or {@code TLSv1.2}
 */
public record ArteryTls(Path keyStore, String keyStorePassword, String keyPassword, Path trustStore,
    String trustStorePassword, String protocol) {

  /** The protocols a node accepts (older ones have known weaknesses). */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /**
   * Cipher suites per protocol: TLS 1.3's are all AEAD; for 1.2 only forward-secret AEAD suites (ECDHE + GCM), for
   * RSA and EC keys alike.
   */
  private static final Map<String, List<String>> SUITES = Map.of(
      "TLSv1.3", List.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"),
      "TLSv1.2", List.of("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"));

  public ArteryTls {
    Objects.requireNonNull(keyStore, "keyStore");
    Objects.requireNonNull(trustStore, "trustStore");
    Objects.requireNonNull(keyStorePassword, "keyStorePassword");
    Objects.requireNonNull(trustStorePassword, "trustStorePassword");
    keyPassword = keyPassword == null ? keyStorePassword : keyPassword;
    if (!PROTOCOLS.contains(protocol)) {
      throw new IllegalArgumentException("TLS protocol must be one of " + PROTOCOLS + ", got " + protocol);
    }
  }

  /**
   * The Pekko settings: Artery's {@code tls-tcp} transport with Pekko's config-based SSL engine. Hostname
   * verification stays off because nodes are identified by their certificate being in the trust store, not by a
   * name (nodes are often addressed by IP); the trust store is the whole access list, so it must hold only the
   * run's own node certificates, never a public CA bundle.
   */
  public Config pekkoConfig() {
    String engine = "pekko.remote.artery.ssl.config-ssl-engine.";
    return ConfigFactory.empty()
        .withValue("pekko.remote.artery.transport", ConfigValueFactory.fromAnyRef("tls-tcp"))
        .withValue("pekko.remote.artery.ssl.ssl-engine-provider",
            ConfigValueFactory.fromAnyRef("org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider"))
        .withValue(engine + "key-store", ConfigValueFactory.fromAnyRef(keyStore.toAbsolutePath().toString()))
        .withValue(engine + "key-store-password", ConfigValueFactory.fromAnyRef(keyStorePassword))
        .withValue(engine + "key-password", ConfigValueFactory.fromAnyRef(keyPassword))
        .withValue(engine + "trust-store", ConfigValueFactory.fromAnyRef(trustStore.toAbsolutePath().toString()))
        .withValue(engine + "trust-store-password", ConfigValueFactory.fromAnyRef(trustStorePassword))
        .withValue(engine + "protocol", ConfigValueFactory.fromAnyRef(protocol))
        .withValue(engine + "enabled-algorithms", ConfigValueFactory.fromIterable(SUITES.get(protocol)))
        .withValue(engine + "require-mutual-authentication", ConfigValueFactory.fromAnyRef(true))
        .withValue(engine + "hostname-verification", ConfigValueFactory.fromAnyRef(false));
  }

  /** Passwords never reach a log line or an error message. */
  @Override
  public String toString() {
    return "ArteryTls[keyStore=" + keyStore + ", trustStore=" + trustStore + ", protocol=" + protocol
        + ", passwords hidden]";
  }
}
