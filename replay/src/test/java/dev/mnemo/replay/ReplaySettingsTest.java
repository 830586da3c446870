package dev.mnemo.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplaySettingsTest {

  /** Flattens the simple HOCON of reference.conf (blocks, key = value, # comments) into paths. */
  private static Map<String, String> referenceConf() throws IOException {
    Map<String, String> out = new HashMap<>();
    Deque<String> path = new ArrayDeque<>();
    try (InputStream in = ReplaySettingsTest.class.getResourceAsStream("/reference.conf")) {
      assertTrue(in != null, "reference.conf is not on the classpath");
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String l = line.replaceAll("#.*", "").trim();
        if (l.endsWith("{")) {
          path.addLast(l.substring(0, l.length() - 1).trim());
        } else if (l.equals("}")) {
          path.removeLast();
        } else if (l.contains("=")) {
          String prefix = String.join(".", path);
          String key = l.substring(0, l.indexOf('=')).trim();
          out.put(prefix + "." + key, l.substring(l.indexOf('=') + 1).trim());
        }
      }
    }
    return out;
  }

  @Test
  void referenceConfDefaultsAreThePapersR2d2Settings() throws IOException {
    Map<String, String> conf = referenceConf();
    for (String key : ReplaySettings.KEYS) {
      assertTrue(conf.containsKey("mnemo.replay." + key), "reference.conf lacks mnemo.replay." + key);
    }
    ReplayConfig fromConf = ReplaySettings.from(k -> conf.get("mnemo.replay." + k), 16, 64, 4, 64);
    ReplayConfig paper = ReplayConfig.r2d2(33334, SequenceConfig.r2d2(16, 64, 4),
        RateLimiterConfig.withTolerance(6250, 4.0, 0.1, 64), 0);
    assertEquals(paper, fromConf);
  }

  @Test
  void badOrMissingSettingsNameTheKey() throws IOException {
    Map<String, String> conf = referenceConf();
    conf.put("mnemo.replay.sequence.period", "forty");
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> ReplaySettings.from(k -> conf.get("mnemo.replay." + k), 16, 64, 4, 64));
    assertTrue(bad.getMessage().contains("mnemo.replay.sequence.period must be an integer, got 'forty'"),
        bad.getMessage());
    conf.remove("mnemo.replay.sequence.period");
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> ReplaySettings.from(k -> conf.get("mnemo.replay." + k), 16, 64, 4, 64));
    assertTrue(missing.getMessage().contains("missing setting mnemo.replay.sequence.period"),
        missing.getMessage());
  }
}
