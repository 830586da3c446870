package dev.mnemo.envs;

/**
 * Makes environments that live outside this module, for ids of the form {@code scheme://...} (for
 * example {@code gym-http://127.0.0.1:5000/CartPole-v1}). An interop module implements it and lists
 * the class in {@code META-INF/services/dev.mnemo.envs.EnvProvider}; {@link EnvRegistry#make} then finds
 * it through {@link java.util.ServiceLoader} whenever that module is on the class path, so this module
 * never names a third-party type.
 */
public interface EnvProvider {

  /** The id prefix before {@code ://} that this provider handles, e.g. {@code gym-http}. */
  String scheme();

  /**
   * A new environment for the full id (scheme included). Bad ids throw
   * {@link IllegalArgumentException} naming the problem; an unreachable backend throws a runtime
   * exception naming the address.
   */
  Env make(String id);

  /** The id's form and parameters for listings; {@link EnvInfo#id()} starts with {@code scheme://}. */
  EnvInfo info();
}
