/** Benchmarks of the learners (updates per second, FLOP rate, memory soak), callable from the CLI. */
package dev.mnemo.learners.bench;
