/** The acting step shared by every runtime: vectorised envs, the actor kernel, exploration, sequence adders. */
package dev.mnemo.agents.acting;
