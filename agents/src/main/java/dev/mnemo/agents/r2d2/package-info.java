/** R2D2's recurrent dueling Q-network in SameDiff, its parameter contract, and the plain math of its loss. */
package dev.mnemo.agents.r2d2;
