package dev.mnemo.experiments.cli;

import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.gymhttp.GymHttpEnv;
import dev.mnemo.gymhttp.GymHttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
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
        "    [--read-timeout 10] [--idle-timeout 60] [--max-body-bytes 1048576] [--max-instances 1024]",
        "    [--max-connections 1024] [--allow-shutdown] [--monitor-dir .]",
        "Binds 127.0.0.1 unless --host says otherwise. A reset body {\"seed\": s} seeds the episode; step "
            + "replies add terminated/truncated beside done. A client that sends half a request holds no "
            + "thread; it is answered 408 after --read-timeout."})
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

  @Option(names = "--read-timeout", defaultValue = "10",
      description = "seconds a request may take to arrive once started (then 408), and a reply to be taken")
  double readTimeout;

  @Option(names = "--idle-timeout", defaultValue = "60",
      description = "seconds a keep-alive connection may stay idle before it is closed")
  double idleTimeout;

  @Option(names = "--max-body-bytes", defaultValue = "1048576", description = "larger request bodies get 413")
  int maxBodyBytes;

  @Option(names = "--max-instances", defaultValue = "1024", description = "creates beyond this many live env "
      + "instances get 429")
  int maxInstances;

  @Option(names = "--max-connections", defaultValue = "1024", description = "connections beyond this many get 503")
  int maxConnections;

  @Option(names = "--allow-shutdown", description = "let clients stop the server with POST /v1/shutdown/ "
      + "(gym-http-api's test harness does); off: 403")
  boolean allowShutdown;

  @Option(names = "--monitor-dir", defaultValue = ".", description = "monitor/start/ directories are resolved "
      + "against this one and must lie inside it")
  Path monitorDir;

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
    if (!(readTimeout * 1e3 >= 1) || !(idleTimeout * 1e3 >= 1) || maxBodyBytes < 0 || maxInstances < 1
        || maxConnections < 1) {
      err.println("mnemo serve-gym: --read-timeout and --idle-timeout must be >= 0.001 s, --max-body-bytes >= 0,"
          + " --max-instances and --max-connections >= 1; got " + readTimeout + ", " + idleTimeout + ", "
          + maxBodyBytes + ", " + maxInstances + ", " + maxConnections);
      return MnemoCli.USAGE;
    }
    GymHttpServer.Options options = GymHttpServer.Options.DEFAULTS.withThreads(threads)
        .withReadTimeout(Duration.ofMillis((long) (readTimeout * 1e3)))
        .withIdleTimeout(Duration.ofMillis((long) (idleTimeout * 1e3)))
        .withMaxBodyBytes(maxBodyBytes).withMaxInstances(maxInstances).withMaxConnections(maxConnections)
        .withAllowShutdown(allowShutdown).withMonitorRoot(monitorDir);
    GymHttpServer server = GymHttpServer.start(new InetSocketAddress(host, port), EnvRegistry::make, seed, options);
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
      // Until the time is up, a signal, or an allowed POST /v1/shutdown/ stops the server.
      long deadline = seconds > 0 ? System.nanoTime() + (long) (seconds * 1e9) : Long.MAX_VALUE;
      while (!stopped.await(100, TimeUnit.MILLISECONDS) && !server.awaitClosed(0, TimeUnit.MILLISECONDS)
          && (deadline == Long.MAX_VALUE || System.nanoTime() - deadline < 0)) {
        // waiting
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
