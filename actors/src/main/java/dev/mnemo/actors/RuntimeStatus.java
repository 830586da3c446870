package dev.mnemo.actors;

/**
 * Progress of a run at one moment.
 *
 * @param elapsedSeconds since the runtime started
 * @param envSteps env steps whose sequences reached the replay service
 * @param envStepsPerSecond over the last status interval
 * @param updates learner updates so far
 * @param updatesPerSecond over the last status interval
 * @param episodes episodes completed by all actors
 * @param meanEpisodeReturn mean return of the episodes completed in the last interval (NaN if none)
 * @param replaySize sequences held by the replay
 * @param sequencesInserted sequences inserted into the replay so far
 * @param paramLag learner updates minus the parameter version of the latest sequence received
 * @param workers env workers currently known to be running
 */
public record RuntimeStatus(double elapsedSeconds, long envSteps, double envStepsPerSecond, long updates,
    double updatesPerSecond, long episodes, double meanEpisodeReturn, int replaySize, long sequencesInserted,
    long paramLag, int workers) {
}
