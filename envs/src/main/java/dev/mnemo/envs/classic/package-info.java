/** Classic control and memory environments: CartPole and its partially observed views, Pendulum, T-Maze. */
package dev.mnemo.envs.classic;
