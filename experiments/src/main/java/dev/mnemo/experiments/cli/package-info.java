/** The {@code mnemo} command tree (picocli) and the wiring of run kinds, benchmarks and environments into it. */
package dev.mnemo.experiments.cli;
