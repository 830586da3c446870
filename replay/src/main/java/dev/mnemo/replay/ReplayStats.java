package dev.mnemo.replay;

/**
 * A snapshot of a replay's counters.
 *
 * @param size sequences held now
 * @param capacity sequences the replay can hold
 * @param inserts sequences inserted since creation (continues across checkpoints)
 * @param samples sequences sampled (a batch of B counts B)
 * @param sampleBatches batches sampled
 * @param evictions sequences overwritten by FIFO eviction
 * @param priorityUpdates priority updates applied
 * @param staleUpdatesIgnored priority updates ignored because the sequence was evicted meanwhile
 * @param meanPriority mean priority of the held sequences (0 when empty)
 * @param maxPriority priority given to new sequences inserted without one
 * @param insertWaits inserts that had to wait for the rate limiter
 * @param sampleWaits samples that had to wait for the rate limiter
 */
public record ReplayStats(
    int size,
    int capacity,
    long inserts,
    long samples,
    long sampleBatches,
    long evictions,
    long priorityUpdates,
    long staleUpdatesIgnored,
    double meanPriority,
    double maxPriority,
    long insertWaits,
    long sampleWaits) {}
