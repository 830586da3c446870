package dev.mnemo.learners.r2d2;

import dev.mnemo.learners.agent.AgentBuilder;
import dev.mnemo.learners.agent.AgentKind;
import java.util.Map;

/** {@code kind = r2d2}: an {@link R2d2Builder} from an experiment file's keys ({@link R2d2Config#fromMap}). */
public final class R2d2Kind implements AgentKind {

  @Override
  public String kind() {
    return "r2d2";
  }

  @Override
  public AgentBuilder fromConfig(Map<String, ?> values) {
    return new R2d2Builder(R2d2Config.fromMap(values));
  }
}
