/** The environment API (Env, Step, EnvSpec, VectorEnv), wrappers, the POMDP suite and meta-RL tasks. */
package dev.mnemo.envs;
