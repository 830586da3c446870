/** The environment throughput benchmark behind {@code mnemo bench envs}. */
package dev.mnemo.envs.bench;
