package dev.mnemo.actors.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.mnemo.actors.cluster.NodeConfig.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Reads and checks the {@code actors.tls} block of a node file:
 * <pre>
 * actors.tls {
 *   enabled = true
 *   key_store = "/etc/mnemo/node.p12"          # this node's key and certificate
 *   key_store_password = ${MNEMO_KEY_STORE_PASSWORD}
 *   key_password = ...                         # optional, default: key_store_password
 *   trust_store = "/etc/mnemo/trust.p12"       # the certificates of every node of the run
 *   trust_store_password = ${MNEMO_TRUST_STORE_PASSWORD}
 *   protocol = TLSv1.3                         # or TLSv1.2
 * }
 * </pre>
 * The stores are opened here, with their passwords, so a missing file, a wrong password or a key store without a
 * private key is an error naming the key before any node starts, not a handshake failure minutes later.
 * Passwords are never printed.
 */
public final class TlsConfig {
  private TlsConfig() {
  }

  /** The keys of an {@code actors.tls} block. */
  public static final List<String> KEYS = List.of("enabled", "key_store", "key_store_password", "key_password",
      "trust_store", "trust_store_password", "protocol");

  private static final List<String> PASSWORDS = List.of("key_store_password", "key_password", "trust_store_password");

  /**
   * The block's settings and problems.
   *
   * @param tls the transport when {@code enabled = true} and there are no problems
   * @param problems every problem found, each naming file:line, key and value
   */
  public record Result(Optional<ArteryTls> tls, List<Problem> problems) {
    public Result {
      problems = List.copyOf(problems);
    }
  }

  /** Reads {@code actors.tls} of a node file's root config ({@code file} names it in problems). */
  public static Result read(Config root, String file) {
    if (!root.hasPath("actors.tls")) {
      return new Result(Optional.empty(), List.of());
    }
    ConfigValue block = root.getValue("actors.tls");
    List<Problem> out = new ArrayList<>();
    if (!(block instanceof ConfigObject obj)) {
      out.add(new Problem(NodeConfig.where(block.origin(), file), "actors.tls", "expected an object { enabled = "
          + "true, key_store = ..., ... }, got " + block.valueType().name().toLowerCase() + " " + block.render()));
      return new Result(Optional.empty(), out);
    }
    Config c = obj.toConfig();
    for (String k : obj.keySet()) {
      if (!KEYS.contains(k)) {
        out.add(new Problem(at(c, k, file), "actors.tls." + k, "unknown key; valid: " + String.join(", ", KEYS)));
      }
    }
    boolean enabled = false;
    if (c.hasPath("enabled")) {
      try {
        enabled = c.getBoolean("enabled");
      } catch (ConfigException e) {
        out.add(new Problem(at(c, "enabled", file), "actors.tls.enabled", "expected a boolean" + got(c, "enabled")));
      }
    }
    String protocol = c.hasPath("protocol") ? string(c, "protocol", file, out) : "TLSv1.3";
    if (protocol != null && !ArteryTls.PROTOCOLS.contains(protocol)) {
      out.add(new Problem(at(c, "protocol", file), "actors.tls.protocol", "expected one of "
          + String.join(", ", ArteryTls.PROTOCOLS) + got(c, "protocol")));
    }
    if (!enabled) {
      return new Result(Optional.empty(), out);
    }
    Path keyStore = path(c, "key_store", file, out);
    String keyStorePassword = required(c, "key_store_password", file, out);
    String keyPassword = c.hasPath("key_password") ? string(c, "key_password", file, out) : keyStorePassword;
    Path trustStore = path(c, "trust_store", file, out);
    String trustStorePassword = required(c, "trust_store_password", file, out);
    if (keyStore != null && keyStorePassword != null && keyPassword != null) {
      checkKeyStore(c, file, keyStore, keyStorePassword, keyPassword, out);
    }
    if (trustStore != null && trustStorePassword != null) {
      checkTrustStore(c, file, trustStore, trustStorePassword, out);
    }
    if (!out.isEmpty()) {
      return new Result(Optional.empty(), out);
    }
    return new Result(Optional.of(new ArteryTls(keyStore, keyStorePassword, keyPassword, trustStore,
        trustStorePassword, protocol)), out);
  }

  /** The store must open with its password and hold a private key that opens with the key password. */
  private static void checkKeyStore(Config c, String file, Path p, String password, String keyPassword,
      List<Problem> out) {
    KeyStore ks = open(c, file, "key_store", p, password, out);
    if (ks == null) {
      return;
    }
    try {
      for (String alias : Collections.list(ks.aliases())) {
        if (ks.isKeyEntry(alias)) {
          ks.getKey(alias, keyPassword.toCharArray());
          return;
        }
      }
      out.add(new Problem(at(c, "key_store", file), "actors.tls.key_store", "key store " + p + " holds no private "
          + "key (this node's key and certificate belong here; the others' certificates go in trust_store)"));
    } catch (GeneralSecurityException e) {
      out.add(new Problem(at(c, c.hasPath("key_password") ? "key_password" : "key_store_password", file),
          "actors.tls." + (c.hasPath("key_password") ? "key_password" : "key_store_password"),
          "cannot read the private key in " + p + ": " + e.getMessage() + " (password hidden)"));
    }
  }

  /** The store must open with its password and hold at least one certificate. */
  private static void checkTrustStore(Config c, String file, Path p, String password, List<Problem> out) {
    KeyStore ks = open(c, file, "trust_store", p, password, out);
    if (ks == null) {
      return;
    }
    try {
      for (String alias : Collections.list(ks.aliases())) {
        if (ks.getCertificate(alias) != null) {
          return;
        }
      }
      out.add(new Problem(at(c, "trust_store", file), "actors.tls.trust_store", "trust store " + p + " holds no "
          + "certificate, so no node could connect (import every node's certificate)"));
    } catch (GeneralSecurityException e) {
      out.add(new Problem(at(c, "trust_store", file), "actors.tls.trust_store", "cannot read " + p + ": "
          + e.getMessage()));
    }
  }

  private static KeyStore open(Config c, String file, String key, Path p, String password, List<Problem> out) {
    try {
      // Detects PKCS12 or JKS from the file itself.
      return KeyStore.getInstance(p.toFile(), password.toCharArray());
    } catch (IOException e) {
      boolean badPassword = e.getCause() instanceof java.security.UnrecoverableKeyException
          || String.valueOf(e.getMessage()).contains("password");
      String pk = key + "_password";
      out.add(badPassword
          ? new Problem(at(c, pk, file), "actors.tls." + pk, "cannot open " + p + ": wrong password? ("
              + e.getMessage() + "; password hidden)")
          : new Problem(at(c, key, file), "actors.tls." + key, "cannot read " + p + " as a key store (PKCS12 or "
              + "JKS): " + e.getMessage()));
    } catch (GeneralSecurityException e) {
      out.add(new Problem(at(c, key, file), "actors.tls." + key, "cannot read " + p + " as a key store (PKCS12 or "
          + "JKS): " + e.getMessage()));
    }
    return null;
  }

  /** A key store file that exists, or null with a problem naming it. */
  private static Path path(Config c, String key, String file, List<Problem> out) {
    String s = required(c, key, file, out);
    if (s == null) {
      return null;
    }
    Path p = Path.of(s);
    if (!Files.isRegularFile(p)) {
      out.add(new Problem(at(c, key, file), "actors.tls." + key, (Files.exists(p) ? "not a regular file: "
          : "no such key store file: ") + p.toAbsolutePath()));
      return null;
    }
    if (!Files.isReadable(p)) {
      out.add(new Problem(at(c, key, file), "actors.tls." + key, "cannot read " + p.toAbsolutePath()
          + " (permissions)"));
      return null;
    }
    return p;
  }

  private static String required(Config c, String key, String file, List<Problem> out) {
    if (!c.hasPath(key)) {
      out.add(new Problem(at(c, null, file), "actors.tls." + key, "required when actors.tls.enabled = true"));
      return null;
    }
    String s = string(c, key, file, out);
    if (s != null && s.isEmpty()) {
      out.add(new Problem(at(c, key, file), "actors.tls." + key, "must not be empty"));
      return null;
    }
    return s;
  }

  private static String string(Config c, String key, String file, List<Problem> out) {
    ConfigValue v = c.getValue(key);
    if (v.valueType() == ConfigValueType.STRING) {
      return (String) v.unwrapped();
    }
    out.add(new Problem(at(c, key, file), "actors.tls." + key, "expected a string" + got(c, key)));
    return null;
  }

  private static String got(Config c, String key) {
    ConfigValue v = c.getValue(key);
    return ", got " + v.valueType().name().toLowerCase() + " "
        + (PASSWORDS.contains(key) ? "(hidden)" : v.render());
  }

  /** Where a key is (or, for a missing key, where the block is). */
  private static String at(Config c, String key, String file) {
    ConfigValue v = key != null && c.hasPath(key) ? c.getValue(key) : c.root();
    return NodeConfig.where(v.origin(), file);
  }
}
