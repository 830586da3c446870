/** Benchmarks of the agents module, each a final class with a {@code run(PrintStream, String...)} entry. */
package dev.mnemo.agents.bench;
