package dev.mnemo.experiments.run;

import dev.mnemo.actors.RuntimeCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The checkpoints of a synchronous trainer (any kind whose trainer can save and restore its whole state between
 * two iterations of its loop): every {@code actors.checkpoint_interval} of wall time a periodic one in
 * {@code checkpoints/interval-*} (the newest {@code actors.checkpoint_keep} kept), when the run stops a final one at
 * the top of {@code checkpoints/}; each is the trainer's files committed by {@code runtime.ckpt}
 * ({@link RuntimeCheckpoint#commit}), so a resume refuses a missing or damaged file by name.
 */
public final class SyncCheckpoints {

  /** Writes the trainer's files into a directory. */
  @FunctionalInterface
  public interface Saver {
    void save(Path dir) throws IOException;
  }

  private final RunContext ctx;
  private final MetricsWriter metrics;
  private final List<String> files;
  private final Saver saver;
  private final Supplier<RuntimeCheckpoint.Counts> counts;
  private final long intervalNanos;
  private final int keep;
  private long last = System.nanoTime();

  /**
   * @param files the names {@code saver} writes (committed and verified)
   * @param counts the run's counters now (the checkpoint's {@code runtime.ckpt})
   */
  public SyncCheckpoints(RunContext ctx, MetricsWriter metrics, List<String> files, Saver saver,
      Supplier<RuntimeCheckpoint.Counts> counts) {
    this.ctx = ctx;
    this.metrics = metrics;
    this.files = List.copyOf(files);
    this.saver = saver;
    this.counts = counts;
    this.intervalNanos = ctx.config().getDuration("actors.checkpoint_interval", TimeUnit.NANOSECONDS);
    this.keep = ctx.config().getInt("actors.checkpoint_keep");
  }

  /**
   * For {@code --resume}: restores the newest checkpoint with {@code restore} and drops the metrics rows written
   * after it (the resumed run writes them again). Call before the run opens its metrics.
   */
  public static RuntimeCheckpoint.Found resume(RunContext ctx, Consumer<Path> restore) throws IOException {
    RuntimeCheckpoint.Found found = RuntimeCheckpoint.latest(ctx.checkpointDir());
    restore.accept(found.dir());
    long steps = found.counts() == null ? 0 : found.counts().envSteps();
    ctx.progressLine().startFrom(steps, found.counts() == null ? 0 : found.counts().updates());
    int dropped = MetricsWriter.dropRowsAfter(ctx.dir().resolve(RunFiles.METRICS), steps);
    ctx.events().record("resumed", "dir", found.dir().toString(), "env_steps", steps, "updates",
        found.counts() == null ? 0 : found.counts().updates(), "metrics_rows_dropped", dropped);
    return found;
  }

  /** Writes a periodic checkpoint when the interval has passed (call between two iterations of the loop). */
  public void maybeInterval() throws IOException {
    if (intervalNanos <= 0 || System.nanoTime() - last < intervalNanos) {
      return;
    }
    // The rows up to the checkpoint reach the disk first: a kill right after it must not lose rows that the
    // resumed run will not write again.
    metrics.flush();
    RuntimeCheckpoint.Counts c = counts.get();
    Path dir = RuntimeCheckpoint.writeInterval(ctx.checkpointDir(), c.envSteps(), c.updates(), keep, this::write);
    ctx.events().record("checkpoint", "dir", dir.toString(), "env_steps", c.envSteps(), "updates", c.updates());
    last = System.nanoTime();
  }

  /** The final checkpoint, at the top of {@code checkpoints/}: what {@code --resume} continues from. */
  public void writeFinal() throws IOException {
    metrics.flush();
    write(ctx.checkpointDir());
  }

  private void write(Path dir) throws IOException {
    saver.save(dir);
    RuntimeCheckpoint.commit(dir, counts.get(), files);
  }
}
