package dev.mnemo.experiments.run;

import dev.mnemo.actors.onpolicy.OnPolicyConfig;
import dev.mnemo.actors.onpolicy.OnPolicyListener;
import dev.mnemo.actors.onpolicy.OnPolicyResult;
import dev.mnemo.actors.onpolicy.OnPolicyRunFailedException;
import dev.mnemo.actors.onpolicy.OnPolicyRuntime;
import dev.mnemo.actors.onpolicy.OnPolicyUpdate;
import dev.mnemo.learners.agent.Evaluator;
import dev.mnemo.learners.agent.Evaluator.Evaluation;
import dev.mnemo.learners.agent.OnPolicyBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * {@code runtime = local} for any on-policy algorithm: the on-policy Pekko runtime ({@link OnPolicyRuntime}) driven
 * from the CLI's thread, which forwards its events to {@code events.jsonl}, hands every update record to the
 * caller (who writes its metrics row), turns a stop request (SIGINT) into an orderly stop, and at the end
 * evaluates the final and the peak parameters with the builder's final evaluator, as the synchronous trainers do
 * (the peak is re-evaluated on the final tasks, so its figure is not biased by its own selection). Names no
 * algorithm.
 */
public final class OnPolicyRunLoop {

  private OnPolicyRunLoop() {}

  /**
   * A finished run with its final figures.
   *
   * @param run the runtime's result
   * @param finalEval the final parameters on the final evaluator's tasks
   * @param peakEval the peak parameters on the same tasks (the final figure again when they are the same)
   * @param finalEvalSeconds wall time of those evaluations
   */
  public record Outcome(OnPolicyResult run, Evaluation finalEval, Evaluation peakEval, double finalEvalSeconds) {
  }

  /**
   * Runs to the budget or a stop request; {@code onUpdate} is called on the learner's thread after every update.
   *
   * @throws OnPolicyRunFailedException when a worker gave up or the learner failed (recorded as an event first)
   */
  public static <B, R> Outcome run(RunContext ctx, OnPolicyBuilder<B, R> builder, OnPolicyConfig config,
      Consumer<OnPolicyUpdate<R>> onUpdate) throws InterruptedException, ExecutionException {
    OnPolicyListener<R> listener = new OnPolicyListener<>() {
      @Override
      public void onEvent(Map<String, Object> event) {
        Map<String, Object> fields = new LinkedHashMap<>(event);
        Object type = fields.remove("event");
        fields.remove("time_ms");
        ctx.events().record(String.valueOf(type), fields);
      }

      @Override
      public void onUpdate(OnPolicyUpdate<R> update) {
        onUpdate.accept(update);
      }
    };
    OnPolicyResult r;
    try (OnPolicyRuntime rt = OnPolicyRuntime.start(config, builder, listener)) {
      boolean stopAsked = false;
      while (!rt.result().isDone()) {
        if (ctx.stopRequested() && !stopAsked) {
          rt.requestStop("stop requested");
          stopAsked = true;
        }
        try {
          rt.result().get(200, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          // still running: poll the stop flag again
        } catch (ExecutionException e) {
          break; // reported below
        }
      }
      try {
        r = rt.result().get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof OnPolicyRunFailedException f) {
          ctx.events().record("run_failed", "reason", f.getMessage());
          throw f;
        }
        throw e;
      }
    }
    long t0 = System.nanoTime();
    Evaluator fin = builder.newFinalEvaluator();
    Evaluation finalEval = fin.evaluate(r.finalParams());
    Evaluation peakEval = r.peakParams().version() == r.finalParams().version() ? finalEval
        : fin.evaluate(r.peakParams());
    return new Outcome(r, finalEval, peakEval, (System.nanoTime() - t0) / 1e9);
  }
}
