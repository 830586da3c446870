package dev.mnemo.actors.cluster;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a node may bind where it was asked to. Artery's plain TCP transport neither encrypts nor authenticates:
 * anyone who can reach the port can join the cluster, read the sequences and parameters, and send control
 * messages. On loopback only this machine's own processes can, which is the default; any other address needs
 * {@code actors.tls} (mutual authentication) or an explicit {@code --insecure}.
 */
public final class BindPolicy {
  private BindPolicy() {
  }

  /**
   * The loopback names a node accepts without TLS: literals only, never resolved, so a name that merely
   * resolves to loopback here (and to something else elsewhere) does not pass.
   */
  static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1", "[::1]");

  /** Whether {@code host} is one of {@link #LOOPBACK}. */
  public static boolean isLoopback(String host) {
    return host != null && LOOPBACK.contains(host.strip().toLowerCase(Locale.ROOT));
  }

  /** Why a node with these options must not start, or empty when it may. */
  public static Optional<String> refusal(ClusterNode.Options o) {
    if (isLoopback(o.host()) || o.tls().isPresent() || o.insecure()) {
      return Optional.empty();
    }
    return Optional.of("refusing to bind " + o.host() + ":" + o.port() + " without TLS: it is not a loopback "
        + "address (127.0.0.1, localhost, ::1), and plain Artery TCP lets anyone who can reach the port join the "
        + "cluster and read or send its messages. Enable actors.tls (key_store, trust_store, mutual authentication; "
        + "see actors/README.md), or pass --insecure to run unencrypted on a network you trust.");
  }
}
