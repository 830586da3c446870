package dev.mnemo.learners.ald;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.learners.optim.AdamState;

/**
 * Everything an {@link AldLearner} needs to continue exactly where it stopped ({@link AldStateFile} writes it). The
 * per-update buffers (advantages, the teacher's outputs, the workspaces) are not in it: every update rewrites them
 * from its batch before reading them.
 *
 * @param shape the learner's shape ({@link AldStateFile#shape}): a file is restored only into a learner of the same
 * @param updates updates done
 * @param learnerParams the Transformer's parameters
 * @param learnerAdam its optimiser's state
 * @param actorParams the LSTM's parameters, null in Transformer-only (which has no LSTM)
 * @param actorAdam its optimiser's state, null with it
 * @param published what the workers act with: with the distillation on its own thread, the LSTM from before the
 *     distillation last handed over, so not {@code actorParams}
 * @param shuffle the minibatch shuffle's random state
 * @param lastKl the last distillation's KL (reported by the next update when the distillation runs on its thread)
 * @param lastValueError its value error
 * @param lastActorNorm its gradient norm
 */
record AldState(String shape, long updates, float[] learnerParams, AdamState learnerAdam, float[] actorParams,
    AdamState actorAdam, ParamSnapshot published, long shuffle, double lastKl, double lastValueError,
    double lastActorNorm) {
}
