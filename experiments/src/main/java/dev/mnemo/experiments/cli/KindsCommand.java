package dev.mnemo.experiments.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import dev.mnemo.experiments.config.ConfigSchema;
import dev.mnemo.experiments.config.EditDistance;
import dev.mnemo.experiments.config.KeyRule;
import dev.mnemo.experiments.run.CommonKeys;
import dev.mnemo.experiments.run.RunKind;
import dev.mnemo.experiments.run.RunKindRegistry;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mnemo kinds [NAME]}: the run kinds, or every key of one with its type, default and meaning. */
@Command(name = "kinds", mixinStandardHelpOptions = true,
    description = "Lists the run kinds a config's `kind` may name, or the keys of one kind.")
final class KindsCommand implements Callable<Integer> {

  private final RunKindRegistry kinds;

  @Spec
  CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "NAME", description = "show this kind's keys")
  String name;

  KindsCommand(RunKindRegistry kinds) {
    this.kinds = kinds;
  }

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    if (name == null) {
      if (kinds.names().isEmpty()) {
        spec.commandLine().getErr().println("mnemo kinds: no run kinds are registered in this build");
      }
      for (RunKind k : kinds.all()) {
        out.printf("%-24s %s%n", k.name(), k.description());
      }
      return MnemoCli.OK;
    }
    Optional<RunKind> kind = kinds.find(name);
    if (kind.isEmpty()) {
      spec.commandLine().getErr().println("mnemo kinds: unknown kind '" + name + "'"
          + EditDistance.closest(name, kinds.names()).map(c -> " (did you mean '" + c + "'?)").orElse("")
          + "; known kinds: " + kinds.names());
      return MnemoCli.USAGE;
    }
    ConfigSchema schema = CommonKeys.schema().plus(kind.get().schema());
    Config defaults = schema.defaults().resolve();
    out.println(kind.get().name() + ": " + kind.get().description());
    out.println();
    for (KeyRule r : schema.rules().values()) {
      String def = defaults.hasPath(r.path())
          ? defaults.getValue(r.path()).render(ConfigRenderOptions.concise())
          : r.mayBeAbsent() ? "(optional)" : "(required)";
      out.printf("  %-32s %-12s %s%n", r.path(), def, r.expectation());
      if (!r.doc().isEmpty()) {
        out.printf("  %-32s %-12s %s%n", "", "", r.doc());
      }
    }
    return MnemoCli.OK;
  }
}
