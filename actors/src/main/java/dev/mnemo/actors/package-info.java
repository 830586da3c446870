/**
 * The Pekko runtime: env workers, replay service, learner service, parameter server and coordinator,
 * in one JVM ({@link dev.mnemo.actors.LocalRuntime}) or across a cluster.
 */
package dev.mnemo.actors;
