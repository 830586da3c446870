/** Training loops, target networks, checkpoints and parameter snapshots. */
package dev.mnemo.learners;
