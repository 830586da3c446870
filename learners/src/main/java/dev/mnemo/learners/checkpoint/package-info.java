/**
 * The file format every learner's checkpoint is written in ({@link dev.mnemo.learners.checkpoint.CheckpointFile}:
 * checksummed, versioned, written atomically). Names no algorithm: each learner writes its own payload into it.
 */
package dev.mnemo.learners.checkpoint;
