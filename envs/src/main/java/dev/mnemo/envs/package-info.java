/**
 * The environment API (Env, Step, EnvSpec, VectorEnv and the CopiesStepper an env type may give it to step all its
 * copies in one call), wrappers, the POMDP suite and meta-RL tasks.
 */
package dev.mnemo.envs;
