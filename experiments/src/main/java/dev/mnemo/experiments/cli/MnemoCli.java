package dev.mnemo.experiments.cli;

/** Placeholder entry point; replaced by the picocli command tree. */
public final class MnemoCli {
  private MnemoCli() {}

  public static void main(String[] args) {
    System.out.println("mnemo");
  }
}
