/**
 * The batched float operations every network is built from ({@link dev.mnemo.agents.kernel.BatchOps}: a
 * blocked matrix product on the Vector API, ReLU, deterministic sigmoid and tanh), packed weights, the
 * one-product weight gradient, and the R2D2 Q-network's allocation-free acting kernel.
 */
package dev.mnemo.agents.kernel;
