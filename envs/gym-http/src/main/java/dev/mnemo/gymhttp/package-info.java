/** The Gym HTTP protocol both ways: a client {@code Env} for gym-http servers and a server for Mnemo envs. */
package dev.mnemo.gymhttp;
