/** RL4J interop: a Mnemo {@code Env} as an RL4J {@code MDP}, and an RL4J {@code MDP} as a Mnemo {@code Env}. */
package dev.mnemo.rl4j;
