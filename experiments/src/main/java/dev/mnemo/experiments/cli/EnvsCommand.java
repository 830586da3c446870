package dev.mnemo.experiments.cli;

import dev.mnemo.envs.EnvInfo;
import dev.mnemo.envs.EnvParam;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mnemo envs}: every environment id with its parameters. */
@Command(name = "envs", mixinStandardHelpOptions = true,
    description = "Lists every environment id with its parameters (use them as id?name=value&...).")
final class EnvsCommand implements Callable<Integer> {

  private final EnvCatalog catalog;

  @Spec
  CommandSpec spec;

  EnvsCommand(EnvCatalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    List<EnvInfo> entries = catalog.environments();
    if (entries.isEmpty()) {
      spec.commandLine().getErr().println("mnemo envs: no environments are registered in this build");
    }
    int width = entries.stream().mapToInt(e -> e.id().length()).max().orElse(0) + 2;
    for (EnvInfo e : entries) {
      out.print(e.id() + " ".repeat(width - e.id().length()));
      out.println(e.description());
      for (EnvParam p : e.params()) {
        out.printf("    %-16s default %-10s %s%n", p.name(), p.defaultValue(), p.description());
      }
    }
    out.flush();
    return MnemoCli.OK;
  }
}
