/** {@code mnemo sweep}: a grid of config values times seeds, validated up front, run with bounded parallelism, resumable, aggregated. */
package dev.mnemo.experiments.sweep;
