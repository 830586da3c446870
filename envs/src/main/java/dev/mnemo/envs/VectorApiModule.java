package dev.mnemo.envs;

/**
 * Whether this JVM has the JDK's incubating Vector API: {@code jdk.incubator.vector} is resolved only when the JVM is
 * started with {@code --add-modules jdk.incubator.vector} (Mnemo's launcher and test JVMs are). Code that uses the
 * API asks here before it loads a class that names a vector type, and falls back to plain loops otherwise.
 */
public final class VectorApiModule {
  private VectorApiModule() {}

  /** True when {@code jdk.incubator.vector} is in the boot layer. */
  public static boolean isPresent() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }
}
