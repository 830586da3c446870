package dev.mnemo.learners.r2d2.ablation;

import dev.mnemo.learners.r2d2.TrainResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One finished run on disk: {@code <variant>-seed<s>.probes.csv} (its ΔQ probes) and
 * {@code <variant>-seed<s>.run.csv} (its final result, written last, so it marks the run complete). The
 * experiment resumes by reading completed runs back instead of training them again.
 */
final class RunFiles {

  static final String PROBE_HEADER = "seed,variant,env_steps,updates,stale_param_version,eval_return,strategy,"
      + "own_strategy,dq_first,dq_last,windows";
  static final String RUN_HEADER = "seed,variant,env_steps,updates,episodes,final_eval_return,final_eval_ci95,"
      + "eval_episodes,solved_at_env_step,seconds";

  private RunFiles() {}

  static void appendProbes(StringBuilder sb, R2d2Ablation.Run r) {
    for (R2d2Ablation.Probe p : r.probes()) {
      for (DiscrepancyProbe.Result x : p.results()) {
        sb.append(String.format(Locale.ROOT, "%d,%s,%d,%d,%d,%.6g,%s,%b,%.6g,%.6g,%d%n", r.seed(),
            r.variant().label(), p.envSteps(), p.updates(), p.staleUpdates(), p.evalReturn(),
            x.strategy().label(), x.strategy().equals(r.variant()), x.first(), x.last(), x.windows()));
      }
    }
  }

  static void appendRun(StringBuilder sb, R2d2Ablation.Run r) {
    TrainResult t = r.result();
    sb.append(String.format(Locale.ROOT, "%d,%s,%d,%d,%d,%.6g,%.6g,%d,%d,%.1f%n", r.seed(), r.variant().label(),
        t.envSteps(), t.updates(), t.episodes(), t.evalMeanReturn(), t.evalCi95(), t.evalEpisodes(),
        t.solvedAtEnvStep(), t.seconds()));
  }

  static void write(Path dir, R2d2Ablation.Run r) {
    String name = r.variant().label() + "-seed" + r.seed();
    StringBuilder probes = new StringBuilder(PROBE_HEADER).append('\n');
    appendProbes(probes, r);
    StringBuilder run = new StringBuilder(RUN_HEADER).append('\n');
    appendRun(run, r);
    atomicWrite(dir.resolve(name + ".probes.csv"), probes.toString());
    atomicWrite(dir.resolve(name + ".run.csv"), run.toString());
  }

  /** The completed run of {@code seed} and {@code v}, or null if it has not finished. */
  static R2d2Ablation.Run read(Path dir, long seed, UnrollStrategy v) {
    String name = v.label() + "-seed" + seed;
    Path runFile = dir.resolve(name + ".run.csv");
    if (!Files.exists(runFile)) {
      return null;
    }
    try {
      List<String> run = Files.readAllLines(runFile);
      check(runFile, run, RUN_HEADER, 2);
      String[] f = run.get(1).split(",");
      TrainResult t = new TrainResult(Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]),
          Double.parseDouble(f[5]), Double.parseDouble(f[6]), Integer.parseInt(f[7]), Long.parseLong(f[8]) >= 0,
          Long.parseLong(f[8]), Double.parseDouble(f[9]));
      Path probeFile = dir.resolve(name + ".probes.csv");
      List<String> lines = Files.readAllLines(probeFile);
      check(probeFile, lines, PROBE_HEADER, 1);
      List<R2d2Ablation.Probe> probes = new ArrayList<>();
      List<DiscrepancyProbe.Result> current = new ArrayList<>();
      String[] head = null;
      for (String line : lines.subList(1, lines.size())) {
        String[] p = line.split(",");
        if (head != null && !p[2].equals(head[2])) {
          probes.add(probe(head, current));
          current = new ArrayList<>();
        }
        head = p;
        current.add(new DiscrepancyProbe.Result(UnrollStrategy.parse(p[6]), Double.parseDouble(p[8]),
            Double.parseDouble(p[9]), Integer.parseInt(p[10])));
      }
      if (head != null) {
        probes.add(probe(head, current));
      }
      return new R2d2Ablation.Run(v, seed, t, probes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read run " + name + " under " + dir, e);
    } catch (RuntimeException e) {
      throw new IllegalStateException("run files of " + name + " under " + dir + " are malformed: " + e.getMessage(), e);
    }
  }

  private static R2d2Ablation.Probe probe(String[] p, List<DiscrepancyProbe.Result> results) {
    return new R2d2Ablation.Probe(Long.parseLong(p[2]), Long.parseLong(p[3]), Long.parseLong(p[4]),
        Double.parseDouble(p[5]), List.copyOf(results));
  }

  private static void check(Path file, List<String> lines, String header, int minLines) {
    if (lines.size() < minLines || !lines.get(0).equals(header)) {
      throw new IllegalStateException(file + ": expected header '" + header + "' and >= " + minLines + " lines");
    }
  }

  private static void atomicWrite(Path file, String text) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.writeString(tmp, text);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
