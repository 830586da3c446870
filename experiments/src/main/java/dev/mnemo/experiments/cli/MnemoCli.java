package dev.mnemo.experiments.cli;

import dev.mnemo.experiments.run.Provenance;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code mnemo}: the command-line entry point. Exit codes: 0 success, 1 the run (or benchmark) failed,
 * 2 bad usage or an invalid config, 130 a run that stopped early on request; a JVM ended by a signal exits
 * with 128 + the signal (130 SIGINT, 143 SIGTERM) after the run's graceful stop.
 */
@Command(name = "mnemo", mixinStandardHelpOptions = true, versionProvider = MnemoCli.Version.class,
    synopsisSubcommandLabel = "COMMAND",
    description = "Reinforcement learning with recurrent policies: R2D2, RL², Actor-Learner Distillation.",
    footer = {"", "Exit codes: 0 ok, 1 run failed, 2 bad usage or invalid config, 130 stopped early (SIGINT; "
        + "143 for SIGTERM)."})
public final class MnemoCli implements Callable<Integer> {

  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int INTERRUPTED = 130;

  @Spec
  CommandSpec spec;

  /** {@code mnemo} alone prints the usage and counts as bad usage. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return USAGE;
  }

  /** The command tree over the given registries, writing to the given streams (tests run it in-process). */
  public static CommandLine commandLine(Registries registries, PrintStream out, PrintStream err) {
    CommandLine cl = new CommandLine(new MnemoCli());
    cl.addSubcommand("run", new RunCommand(registries.kinds(), err));
    cl.addSubcommand("sweep", new SweepCommand(registries.kinds(), err));
    cl.addSubcommand("kinds", new KindsCommand(registries.kinds()));
    cl.addSubcommand("envs", new EnvsCommand(registries.envs()));
    cl.addSubcommand("bench", new BenchCommand(registries.benches(), out));
    cl.addSubcommand("report", new ReportCommand());
    cl.addSubcommand("eval", new EvalCommand(registries.kinds()));
    cl.addSubcommand("reproduce", new ReproduceCommand());
    cl.addSubcommand("node", new NodeCommand(registries.kinds(), out, err));
    cl.addSubcommand("serve-gym", new ServeGymCommand());
    // Everything after the benchmark's name is the benchmark's own (its --help included).
    cl.getSubcommands().get("bench").setStopAtPositional(true).setUnmatchedOptionsArePositionalParams(true);
    cl.getSubcommands().get("node").setUnmatchedOptionsArePositionalParams(true);
    cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    cl.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
    cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
      cmd.getErr().println("mnemo " + cmd.getCommandName() + ": " + ex);
      ex.printStackTrace(cmd.getErr());
      return FAILED;
    });
    return cl;
  }

  public static int execute(Registries registries, PrintStream out, PrintStream err, String... args) {
    return commandLine(registries, out, err).execute(args);
  }

  public static void main(String[] args) {
    // Plots are drawn off-screen; servers and CI have no display.
    System.setProperty("java.awt.headless", "true");
    System.exit(execute(Wiring.standard(), System.out, System.err, args));
  }

  /** {@code mnemo --version}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"mnemo " + Provenance.mnemoVersion() + " (Java " + System.getProperty("java.version") + ", "
          + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")"};
    }
  }
}
