package dev.mnemo.actors.cluster;

/**
 * How one session of an actor node (one ActorSystem, one cluster membership) ended, and what its workers did.
 *
 * @param kind why it ended
 * @param reason the words for the node's events
 * @param envSteps env steps its workers reported to the learner
 * @param sequencesSent sequences its workers sent
 */
record SessionEnd(Kind kind, String reason, long envSteps, long sequencesSent) {

  /** Why a session ended; only {@link #LEARNER_LOST} lets the node start another one. */
  enum Kind {
    /** The learner ended the run (budget, failure, a caller's stop): the node stops. */
    RUN_OVER,
    /** The learner went away (unreachable, left, stopped by a signal): the node waits for it in a new session. */
    LEARNER_LOST,
    /** No learner within {@code learner_wait}: the node stops. */
    WAIT_EXPIRED,
    /** Every worker exhausted its restart budget: the node stops, failed. */
    GAVE_UP,
    /** The node itself was asked to stop (SIGINT/SIGTERM). */
    STOP_REQUESTED
  }
}
