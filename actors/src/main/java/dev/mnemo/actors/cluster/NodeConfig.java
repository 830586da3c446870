package dev.mnemo.actors.cluster;

import com.typesafe.config.Config;
import dev.mnemo.actors.RuntimeConfig;
import dev.mnemo.learners.r2d2.R2d2Config;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a run's configs from HOCON: {@code mnemo.r2d2} (the snake_case name of every
 * {@link R2d2Config} field; missing keys keep the paper's value) and {@code mnemo.runtime}. A stop-gap
 * so a node can start from a file; the CLI's own config loader may replace it.
 */
public final class NodeConfig {
  private NodeConfig() {
  }

  /** The R2D2 config under {@code mnemo.r2d2}, defaults from {@link R2d2Config#paper()}. */
  public static R2d2Config r2d2(Config root) {
    Config c = root.hasPath("mnemo.r2d2") ? root.getConfig("mnemo.r2d2") : com.typesafe.config.ConfigFactory.empty();
    R2d2Config base = R2d2Config.paper();
    RecordComponent[] comps = R2d2Config.class.getRecordComponents();
    Object[] values = new Object[comps.length];
    Class<?>[] types = new Class<?>[comps.length];
    try {
      for (int i = 0; i < comps.length; i++) {
        RecordComponent rc = comps[i];
        String key = snake(rc.getName());
        Class<?> t = rc.getType();
        types[i] = t;
        if (!c.hasPath(key)) {
          values[i] = rc.getAccessor().invoke(base);
        } else if (t == String.class) {
          values[i] = c.getString(key);
        } else if (t == long.class) {
          values[i] = c.getLong(key);
        } else if (t == int.class) {
          values[i] = c.getInt(key);
        } else if (t == double.class) {
          values[i] = c.getDouble(key);
        } else if (t == boolean.class) {
          values[i] = c.getBoolean(key);
        } else if (t == List.class) {
          values[i] = new ArrayList<>(c.getIntList(key));
        } else {
          throw new IllegalStateException("R2d2Config field " + rc.getName() + " has unsupported type " + t);
        }
      }
      return R2d2Config.class.getDeclaredConstructor(types).newInstance(values);
    } catch (java.lang.reflect.InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException re ? re : new IllegalArgumentException(cause);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build R2d2Config: " + e, e);
    }
  }

  /** The runtime config under {@code mnemo.runtime}, defaults from {@link RuntimeConfig#defaults()}. */
  public static RuntimeConfig runtime(Config root) {
    RuntimeConfig d = RuntimeConfig.defaults();
    if (!root.hasPath("mnemo.runtime")) {
      return d;
    }
    Config c = root.getConfig("mnemo.runtime");
    RuntimeConfig r = d.withWorkers(c.hasPath("workers") ? c.getInt("workers") : d.workers(),
            c.hasPath("envs_per_worker") ? c.getInt("envs_per_worker") : d.envsPerWorker())
        .withFlow(c.hasPath("chunk_rows") ? c.getInt("chunk_rows") : d.chunkRows(),
            c.hasPath("credits") ? c.getInt("credits") : d.credits(),
            c.hasPath("steps_per_tick") ? c.getInt("steps_per_tick") : d.stepsPerTick())
        .withRateLimited(c.hasPath("rate_limited") ? c.getBoolean("rate_limited") : d.rateLimited());
    if (c.hasPath("status_interval")) {
      r = r.withStatusInterval(c.getDuration("status_interval"));
    }
    if (c.hasPath("checkpoint_dir")) {
      r = r.withCheckpoints(Path.of(c.getString("checkpoint_dir")), r.resumeDir());
    }
    return r;
  }

  static String snake(String camel) {
    StringBuilder b = new StringBuilder();
    for (char ch : camel.toCharArray()) {
      if (Character.isUpperCase(ch)) {
        b.append('_').append(Character.toLowerCase(ch));
      } else {
        b.append(ch);
      }
    }
    return b.toString();
  }
}
