package dev.mnemo.learners.agent;

import dev.mnemo.envs.EnvSpec;
import dev.mnemo.replay.SequenceConfig;

/**
 * The shapes an algorithm derives from its config and the env, computed the same way on every node so
 * that a learner node and an actor node agree on the network and sequence layout.
 *
 * @param env the env's spec (from one probe instance)
 * @param paramCount floats in a parameter snapshot of the acting network
 * @param sequence how the actors cut their streams into sequences (its {@code stateSize} is the core's)
 */
public record AgentShapes(EnvSpec env, int paramCount, SequenceConfig sequence) {
}
