package dev.mnemo.experiments.run;

import com.typesafe.config.Config;
import dev.mnemo.experiments.config.ConfigSchema;
import java.util.List;

/**
 * One thing {@code mnemo run} can do, selected by the config's {@code kind} key (e.g. {@code r2d2},
 * {@code bandit-baselines}). The framework validates the config against {@link #schema()} before
 * {@link #run} is called, creates the run directory, and writes {@code summary.json} whatever happens.
 */
public interface RunKind {

  /** The value of {@code kind} that selects this run kind. */
  String name();

  /** One line for {@code mnemo kinds}. */
  String description();

  /** Keys, defaults and rules of this kind (the keys every run has, such as {@code seed}, are added). */
  ConfigSchema schema();

  /**
   * Runs to completion (or until {@link RunContext#stopRequested()}) and returns the totals. Throwing marks
   * the run failed; the framework records the error.
   */
  RunOutcome run(RunContext ctx) throws Exception;

  /**
   * What a valid config probably does not mean (e.g. a solved threshold a random policy already reaches), one
   * sentence each that names the key and where it was set. {@code mnemo run} prints them before anything
   * starts, {@code --check} included; they do not stop the run. Keep it quick: a bounded look at the env at
   * most.
   */
  default List<String> warnings(Config config) {
    return List.of();
  }

  /** Whether {@code mnemo run --resume RUN_DIR} may continue a run of this kind from its checkpoints. */
  default boolean supportsResume() {
    return false;
  }

  /**
   * Whether this config can resume from {@code checkpointDir}, checked by {@code mnemo run --resume} before it
   * writes anything into the run directory: throws {@link IllegalArgumentException} or
   * {@link IllegalStateException} saying why not (e.g. which checkpoint file is missing or corrupt, or that this
   * configuration keeps no checkpoint). Called only when {@link #supportsResume()}.
   */
  default void checkResume(Config config, long seed, java.nio.file.Path checkpointDir) {
  }

  /**
   * Re-evaluates a finished run's saved parameters on {@code count} fresh episodes or tasks drawn from
   * {@code seed} ({@code mnemo eval}). {@code which} names the parameters ({@code result}, or e.g. {@code peak}
   * where a kind keeps them); {@code config} is the run's own resolved config.
   *
   * @throws UnsupportedOperationException for a kind without a saved policy
   * @throws IllegalArgumentException naming the missing file or the unknown {@code which}
   */
  default dev.mnemo.learners.agent.Evaluator.Evaluation evaluate(Config config, java.nio.file.Path runDir,
      String which, int count, long seed) {
    throw new UnsupportedOperationException("runs of kind " + name() + " keep no policy to evaluate");
  }

  /**
   * A finished run's saved policy on given tasks: one trial on each of {@code tasks} (each puts its task into the
   * trial env's inner task env), the trial returns in that order; {@code seed} drives the rest (the policy's
   * sampling, the inner episodes' randomness). What a comparison task by task with a baseline evaluated on the
   * same tasks needs.
   *
   * @throws UnsupportedOperationException for a kind whose policy does not act on trials of a task distribution
   * @throws IllegalArgumentException naming the missing file, the unknown {@code which}, or the env that is no trial
   */
  default double[] returnsOnTasks(Config config, java.nio.file.Path runDir, String which,
      java.util.List<? extends java.util.function.Consumer<dev.mnemo.envs.meta.MultiTaskEnv>> tasks, long seed) {
    throw new UnsupportedOperationException("runs of kind " + name() + " do not act on trials of given tasks");
  }
}
