/**
 * Recurrent prioritized sequence replay: adders that cut trajectories into overlapping sequences, the
 * struct-of-arrays batch learners consume, and the sum-tree replay with its rate limiter and checkpoints.
 */
package dev.mnemo.replay;
