/** The registry behind {@code mnemo bench}: benchmark names mapped to their {@code run(PrintStream, String...)} entry points. */
package dev.mnemo.experiments.bench;
