package dev.mnemo.experiments.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kind = bandit-baselines} through the real CLI wiring. */
class BanditBaselinesRunKindTest {

  @TempDir
  Path tmp;

  private final StandardCli cli = new StandardCli();

  private int mnemo(String... args) {
    return cli.mnemo(args);
  }

  @Test
  void smallTableWritesResultsBesideThePaperAndCountsWhatDiffers() throws IOException {
    Path conf = tmp.resolve("bandits.conf");
    Files.writeString(conf, "kind = bandit-baselines\nseed = 7\nsettings = [\"10x5\"]\ninstances = 100\n");
    Path out = tmp.resolve("run");
    assertEquals(0, mnemo("run", conf.toString(), "--out", out.toString()), cli.err());
    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertEquals("n,k,algorithm,mean,ci95,paper", csv.get(0));
    assertTrue(csv.stream().anyMatch(l -> l.startsWith("10,5,ucb1,") && l.endsWith(",6.7")),
        "UCB1 row beside the paper's 6.7: " + csv);
    assertTrue(Files.readString(out.resolve("table.md")).contains("| 10 | 5 | gittins |"));
    JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals("completed", s.get("status").asText());
    assertEquals(1000, s.get("env_steps").asLong(), "10 pulls x 100 tasks");
    assertEquals(7, s.get("figures_compared_with_paper").asInt(), "the paper's seven columns at 10x5");
  }

  @Test
  void malformedSettingIsRefusedBeforeTheRun() throws IOException {
    Path conf = tmp.resolve("bad.conf");
    Files.writeString(conf, "kind = bandit-baselines\nsettings = [\"10by5\"]\ninstances = 100\n");
    assertEquals(2, mnemo("run", conf.toString(), "--out", tmp.resolve("never").toString()));
    String msg = cli.err();
    assertTrue(msg.contains("10by5") && msg.contains("settings"), "names the key and the bad value: " + msg);
  }
}
