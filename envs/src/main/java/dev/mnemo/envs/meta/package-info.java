/** Meta-RL task distributions of RL² (Bernoulli bandits, random tabular MDPs) and the trial wrapper. */
package dev.mnemo.envs.meta;
