package dev.mnemo.envs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvSettingsTest {

  /** Reads the flat {@code key = value} lines of the mnemo.envs block of reference.conf. */
  private static Map<String, String> reference() throws IOException {
    Map<String, String> m = new HashMap<>();
    try (InputStream in = EnvSettingsTest.class.getResourceAsStream("/reference.conf")) {
      assertTrue(in != null, "reference.conf is not on the classpath");
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String l = line.strip();
        int eq = l.indexOf('=');
        if (l.startsWith("#") || eq < 0 || l.endsWith("{")) {
          continue;
        }
        String value = l.substring(eq + 1).strip();
        if (value.startsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        m.put(l.substring(0, eq).strip(), value);
      }
    }
    return m;
  }

  @Test
  void referenceConfHoldsEveryKeyAndBuildsAWorkingVectorEnv() throws IOException {
    Map<String, String> ref = reference();
    for (String key : EnvSettings.KEYS) {
      assertTrue(ref.containsKey(key), "reference.conf lacks mnemo.envs." + key);
    }
    assertEquals(EnvSettings.KEYS.length, ref.size(), "reference.conf keys vs EnvSettings.KEYS: " + ref);
    EnvConfig c = EnvSettings.from(ref::get);
    assertEquals("popgym/RepeatPrevious-Easy", c.id());
    assertEquals(64, c.numEnvs());
    VectorEnv v = c.newVectorEnv();
    assertEquals(64, v.size());
    assertEquals(4, v.spec().obsSize(), "no wrapper by default");
  }

  @Test
  void wrappersAreAppliedFromSettings() throws IOException {
    Map<String, String> s = reference();
    s.put("id", "tmaze?length=3");
    s.put("time-limit", "2");
    s.put("prev-action-reward", "true");
    s.put("observation-noise", "0.1");
    Env env = EnvSettings.from(s::get).newEnv();
    assertEquals(3 + 4 + 1, env.spec().obsSize(), "prev action/reward appended");
    assertEquals(2, env.spec().maxEpisodeSteps(), "time limit applied");
    env.reset(1);
    env.step(0);
    assertTrue(env.step(0).truncated, "truncated after 2 steps");
  }

  @Test
  void badSettingsFailNamingTheKey() throws IOException {
    Map<String, String> s = reference();
    s.put("num-envs", "0");
    String m = assertThrows(IllegalArgumentException.class, () -> EnvSettings.from(s::get)).getMessage();
    assertTrue(m.contains("num-envs") && m.contains("got 0"), m);
    s.put("num-envs", "8");
    s.put("id", "tmaz");
    m = assertThrows(IllegalArgumentException.class, () -> EnvSettings.from(s::get)).getMessage();
    assertTrue(m.contains("unknown env id 'tmaz'") && m.contains("tmaze"), m);
    s.put("id", "tmaze");
    s.put("prev-action-reward", "yes");
    m = assertThrows(IllegalArgumentException.class, () -> EnvSettings.from(s::get)).getMessage();
    assertTrue(m.contains("prev-action-reward") && m.contains("'yes'"), m);
    s.put("prev-action-reward", "false");
    s.remove("seed");
    m = assertThrows(IllegalArgumentException.class, () -> EnvSettings.from(s::get)).getMessage();
    assertTrue(m.contains("mnemo.envs.seed is missing"), m);
    s.put("seed", "1");
    s.put("time-limit", "-1");
    assertFalse(assertThrows(IllegalArgumentException.class, () -> EnvSettings.from(s::get))
        .getMessage().isEmpty());
  }
}
