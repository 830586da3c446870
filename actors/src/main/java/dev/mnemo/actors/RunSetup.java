package dev.mnemo.actors;

import dev.mnemo.agents.r2d2.RecurrentQSpec;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.learners.r2d2.R2d2Config;
import dev.mnemo.learners.r2d2.R2d2Learner;
import dev.mnemo.replay.RateLimiterConfig;
import dev.mnemo.replay.ReplayConfig;
import dev.mnemo.replay.SequenceBoundary;
import dev.mnemo.replay.SequenceConfig;

/**
 * The shapes a run derives from its configs, computed the same way on every node so that a learner
 * node and an actor node agree on sequence and network layout.
 *
 * @param envSpec the env's spec (from one probe instance)
 * @param netSpec the recurrent Q-network's spec
 * @param sequence how sequences are cut
 */
public record RunSetup(EnvSpec envSpec, RecurrentQSpec netSpec, SequenceConfig sequence) {

  /** Probes the env ({@code factory} or the registry) and derives the network and sequence shapes. */
  public static RunSetup of(R2d2Config r2d2, EnvFactory factory) {
    EnvSpec es = (factory == null ? EnvRegistry.make(r2d2.env()) : factory.make(0, 0)).spec();
    RecurrentQSpec net = R2d2Learner.specFor(r2d2, es.obsSize(), es.numActions());
    SequenceConfig seq = new SequenceConfig(r2d2.burnIn(), r2d2.traceLength(), r2d2.nStep(),
        r2d2.sequencePeriod(), es.obsSize(), net.stateSize(), es.numActions(), !r2d2.storedState(), false,
        SequenceBoundary.EPISODE);
    return new RunSetup(es, net, seq);
  }

  /** The replay's config: R2D2's exponents, the config's capacity, and the limiter the runtime asks for. */
  public ReplayConfig replayConfig(R2d2Config r2d2, boolean rateLimited) {
    RateLimiterConfig limiter = rateLimited
        ? RateLimiterConfig.withTolerance(r2d2.minReplaySize(), r2d2.samplesPerInsert(),
            r2d2.samplesPerInsertTolerance(), r2d2.batchSize())
        : RateLimiterConfig.minSize(r2d2.minReplaySize());
    return ReplayConfig.r2d2(r2d2.replayCapacity(), sequence, limiter, r2d2.seed())
        .withExponents(r2d2.priorityExponent(), r2d2.importanceExponent());
  }
}
