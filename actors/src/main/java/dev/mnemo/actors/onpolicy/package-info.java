/**
 * The Pekko runtime of on-policy algorithms (RL² by PPO), in one JVM: trial workers collect whole trials with the
 * newest parameters, a learner service consumes them within a parameter-lag limit, and a coordinator supervises
 * both and stops at the env-step budget. Written against {@link dev.mnemo.learners.agent.OnPolicyBuilder} only:
 * it names no algorithm. Entry point: {@link dev.mnemo.actors.onpolicy.OnPolicyRuntime}.
 */
package dev.mnemo.actors.onpolicy;
