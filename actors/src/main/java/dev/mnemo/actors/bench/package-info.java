/** Benchmarks of the runtime: acting throughput against the bare kernel ceiling, cluster transfer rate. */
package dev.mnemo.actors.bench;
