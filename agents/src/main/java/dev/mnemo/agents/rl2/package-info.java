/**
 * RL² (Duan et al. 2016): a recurrent actor-critic whose input is the {@code MetaTrial} observation
 * ({@code [obs, one-hot previous action, previous reward, done]}) and whose state spans the episodes of one
 * trial. The network ({@link dev.mnemo.agents.rl2.ActorCriticSpec}, its training form
 * {@link dev.mnemo.agents.rl2.RecurrentActorCritic}, its acting form
 * {@link dev.mnemo.agents.rl2.ActorCriticPolicy}) is built from the shared blocks and any recurrent core;
 * the math of PPO lives in the pure classes {@link dev.mnemo.agents.rl2.Gae} and
 * {@link dev.mnemo.agents.rl2.PpoLoss}.
 */
package dev.mnemo.agents.rl2;
