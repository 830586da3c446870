/** The POPGym memory tasks (Morad et al. 2023) with their rules, difficulty levels and reward scaling. */
package dev.mnemo.envs.popgym;
