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

/** {@code kind = mdp-baselines} through the real CLI wiring. */
class MdpBaselinesRunKindTest {

  @TempDir
  Path tmp;

  private final StandardCli cli = new StandardCli();

  @Test
  void smallTableWritesResultsBesideThePaper() throws IOException {
    Path conf = tmp.resolve("mdps.conf");
    Files.writeString(conf, "kind = mdp-baselines\nseed = 7\nepisodes = [10]\ninstances = 40\ntune_instances = 10\n"
        + "opsrl_samples = [1, 2]\nucrl2_scales = [0.05]\nbeb_betas = [1.0]\nepsilons = [0.1]\n"
        + "beb_tabularl_scalings = [0.001]\n");
    Path out = tmp.resolve("run");
    assertEquals(0, cli.mnemo("run", conf.toString(), "--out", out.toString()), cli.err());
    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertEquals("n,algorithm,hyperparameter,mean,ci95,paper", csv.get(0));
    assertTrue(csv.stream().anyMatch(l -> l.startsWith("10,psrl,") && l.endsWith(",138.1")), csv.toString());
    assertTrue(Files.readString(out.resolve("table.md")).contains("| 10 | ucrl2 | c=0.05 |"));
    assertTrue(Files.exists(out.resolve("tuning.csv")));
    JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals("completed", s.get("status").asText());
    assertEquals(4000, s.get("env_steps").asLong(), "10 episodes x 10 steps x 40 tasks");
    assertEquals(10, s.get("figures_compared_with_paper").asInt(),
        "the paper's seven columns at n = 10 and the three TabulaRL variants beside theirs");
    assertTrue(csv.stream().anyMatch(l -> l.startsWith("10,beb_tabularl,scaling=0.001,") && l.endsWith(",150.2")),
        csv.toString());
  }

  @Test
  void badValuesAreRefusedBeforeTheRunNamingTheKey() throws IOException {
    Path conf = tmp.resolve("bad.conf");
    Files.writeString(conf, "kind = mdp-baselines\nseed = 3\ntune_seed = 3\nepsilons = [0.1, 1.5]\n");
    assertEquals(2, cli.mnemo("run", conf.toString(), "--out", tmp.resolve("never").toString()));
    String msg = cli.err();
    assertTrue(msg.contains("epsilons") && msg.contains("1.5"), "names the key and the bad value: " + msg);
    Path seeds = tmp.resolve("seeds.conf");
    Files.writeString(seeds, "kind = mdp-baselines\nseed = 3\ntune_seed = 3\n");
    assertEquals(2, cli.mnemo("run", seeds.toString(), "--out", tmp.resolve("never2").toString()));
    assertTrue(cli.err().contains("tune_seed"), "names tune_seed: " + cli.err());
  }
}
