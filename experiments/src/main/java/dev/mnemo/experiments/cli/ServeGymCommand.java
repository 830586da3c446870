package dev.mnemo.experiments.cli;

import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.gymhttp.GymHttpEnv;
import dev.mnemo.gymhttp.GymHttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mnemo serve-gym}: serves every Mnemo env over the Gym HTTP protocol until stopped. */
@Command(name = "serve-gym", mixinStandardHelpOptions = true,
    description = {"Serves every Mnemo environment (`mnemo envs`) over the Gym HTTP protocol "
        + "(openai/gym-http-api), so Python clients can step POPGym tasks, T-Mazes and bandits.",
        "  mnemo serve-gym [--host 127.0.0.1] [--port 5000] [--seed 0] [--threads 0] [--seconds 0]",
        "Binds 127.0.0.1 unless --host says otherwise. A reset body {\"seed\": s} seeds the episode; step "
            + "replies add terminated/truncated beside done."})
final class ServeGymCommand implements Callable<Integer> {

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind (default ${DEFAULT-VALUE})")
  String host;

  @Option(names = "--port", defaultValue = "5000", description = "port, 0 = any free one (default ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--seed", defaultValue = "0", description = "master seed of episodes reset without a seed")
  long seed;

  @Option(names = "--threads", defaultValue = "0",
      description = "request threads; 0 = the dispatcher thread serves every request (Mnemo's envs step in "
          + "microseconds)")
  int threads;

  @Option(names = "--seconds", defaultValue = "0", description = "stop after this many seconds; 0 = until interrupted")
  double seconds;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    if (port < 0 || port > 65_535) {
      err.println("mnemo serve-gym: --port must be in [0, 65535], got " + port);
      return MnemoCli.USAGE;
    }
    if (threads < 0 || !(seconds >= 0)) {
      err.println("mnemo serve-gym: --threads and --seconds must be >= 0, got " + threads + " and " + seconds);
      return MnemoCli.USAGE;
    }
    GymHttpServer server = GymHttpServer.start(new InetSocketAddress(host, port), EnvRegistry::make, seed, threads);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "serve-gym-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    PrintWriter out = spec.commandLine().getOut();
    out.println("mnemo serve-gym: serving Mnemo envs over the Gym HTTP protocol at " + server.uri());
    out.println("  Python (gym-http-api client): Client('" + server.uri() + "').env_create('tmaze?length=10')");
    out.println("  Mnemo: env = \"" + GymHttpEnv.id(server.uri(), "tmaze?length=10") + "\"");
    out.println("  ids: `mnemo envs`; stop with Ctrl-C");
    out.flush();
    try {
      if (seconds > 0) {
        stopped.await((long) (seconds * 1e3), TimeUnit.MILLISECONDS);
      } else {
        stopped.await();
      }
    } finally {
      server.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or has run: nothing left to remove
      }
    }
    out.println("mnemo serve-gym: stopped after serving " + server.stepsServed() + " steps");
    out.flush();
    return MnemoCli.OK;
  }
}
