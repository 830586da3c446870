package dev.mnemo.actors.cluster;

import dev.mnemo.learners.r2d2.R2d2Builder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.mnemo.actors.RuntimeConfig;
import dev.mnemo.learners.r2d2.R2d2Config;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeConfigTest {

  @Test
  void experimentKeysGoToR2d2AndTheActorsBlockToTheRuntime() {
    var file = ConfigFactory.parseString("kind = r2d2\nruntime = cluster\nenv = \"tmaze?length=10\"\n"
        + "lstm_size = 32\nencoder_sizes = [32]\nactors { workers = 3, envs_per_worker = 5, rate_limited = false,"
        + " status_interval = 250ms, max_restarts = 3, restart_window = 5s }");
    R2d2Config r = ((R2d2Builder) NodeConfig.agent(file)).config();
    assertEquals("tmaze?length=10", r.env());
    assertEquals(32, r.coreSize());
    assertEquals(List.of(32), r.encoderSizes());
    assertEquals(R2d2Config.paper().burnIn(), r.burnIn(), "unset keys keep the paper's value");
    RuntimeConfig rc = NodeConfig.runtime(file);
    assertEquals(3, rc.workers());
    assertEquals(5, rc.envsPerWorker());
    assertFalse(rc.rateLimited());
    assertEquals(250, rc.statusInterval().toMillis());
    assertEquals(RuntimeConfig.defaults().credits(), rc.credits());
    assertEquals(3, rc.maxRestarts());
    assertEquals(5, rc.restartWindow().toSeconds());
  }

  @Test
  void unknownKeysAreRefusedByName() {
    var badActors = ConfigFactory.parseString("actors { worker = 3 }");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeConfig.runtime(badActors));
    assertTrue(e.getMessage().contains("actors.worker"), e.getMessage());
    var badR2d2 = ConfigFactory.parseString("lstm = 3");
    e = assertThrows(IllegalArgumentException.class, () -> NodeConfig.agent(badR2d2));
    assertTrue(e.getMessage().contains("'lstm'"), e.getMessage());
  }

  @Test
  void nodeOptionsAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> new ClusterNode.Options("driver", "127.0.0.1", 0,
        List.of("127.0.0.1:2552")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ClusterNode.Options("actor", "127.0.0.1", 0, List.of("localhost")));
    assertTrue(e.getMessage().contains("host:port"), e.getMessage());
  }

  @Test
  void chunksThatCannotFitArterysFrameAreRefusedBeforeAnyWorkerStarts() {
    var pekko = dev.mnemo.actors.PekkoSettings.base();
    var big = ConfigFactory.parseString("env = cartpole\nburn_in = 40\ntrace_length = 80\nn_step = 5\n"
        + "sequence_period = 40\nlstm_size = 512\nhead_size = 512");
    var agent = NodeConfig.agent(big);
    var setup = agent.shapes(dev.mnemo.envs.EnvRegistry.make(agent.envId()).spec());
    ActorNode.requireChunkFitsFrame(pekko, setup, RuntimeConfig.defaults()); // 32 rows of ~12 KB fit 4 MiB
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ActorNode.requireChunkFitsFrame(pekko, setup, RuntimeConfig.defaults().withFlow(1_000, 4, 20)));
    assertTrue(e.getMessage().contains("chunk_rows = 1000") && e.getMessage().contains("maximum-frame-size"),
        e.getMessage());
    // 256 envs per worker: one vector step can finish 256 x (1 + ceil(121 / 40)) = 1,280 sequences of ~12 KB
    // (15 MB), whatever chunk_rows says; an earlier bound (2 chunk_rows + envs = 320 rows) let this through.
    IllegalArgumentException many = assertThrows(IllegalArgumentException.class,
        () -> ActorNode.requireChunkFitsFrame(pekko, setup, RuntimeConfig.defaults().withWorkers(1, 256)));
    assertTrue(many.getMessage().contains("envs_per_worker = 256") && many.getMessage().contains("1280 finished"),
        many.getMessage());
  }

  @Test
  void aNodeFileIsCheckedWholeBeforeAnythingStarts(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path missing = dir.resolve("missing.conf");
    var e = assertThrows(NodeConfig.InvalidNodeConfigException.class, () -> NodeConfig.read(missing));
    assertTrue(e.getMessage().contains(missing + ": (file): no such config file"), e.getMessage());

    java.nio.file.Path conf = dir.resolve("node.conf");
    java.nio.file.Files.writeString(conf, String.join("\n",
        "env = cartpole",
        "actors {",
        "  workres = 2",
        "  credits = many",
        "  learner_wait = 0s",
        "  checkpoint_interval = -1s",
        "}"));
    e = assertThrows(NodeConfig.InvalidNodeConfigException.class, () -> NodeConfig.read(conf));
    String m = e.getMessage();
    assertEquals(4, e.problems().size(), m);
    assertTrue(m.contains(conf + ":3: actors.workres: unknown key") && m.contains("did you mean 'workers'"), m);
    assertTrue(m.contains(conf + ":4: actors.credits: expected an integer, got string \"many\""), m);
    assertTrue(m.contains(conf + ":5: actors.learner_wait: expected a duration >= 1ms"), m);
    assertTrue(m.contains(conf + ":6: actors.checkpoint_interval"), m);

    java.nio.file.Files.writeString(conf, "env = cartpole\nactors { learner_wait = 45s, workers = 3 }\n");
    NodeConfig.Loaded ok = NodeConfig.read(conf);
    assertEquals(45, ok.runtime().learnerWait().toSeconds());
    assertEquals(3, ok.runtime().workers());
    assertEquals(60, RuntimeConfig.defaults().learnerWait().toSeconds(), "reference.conf default");
  }

  @Test
  void nodeArgumentsAreParsedAndRefusedByName() {
    NodeArgs a = NodeArgs.parse(new String[] {"--role", "learner", "--resume", "c.conf"});
    assertTrue(a.resume());
    assertEquals(2552, a.options().port());
    assertEquals(List.of("127.0.0.1:2552"), a.options().seedNodes(), "a learner seeds itself");
    NodeArgs actor = NodeArgs.parse(new String[] {"--role", "actor", "--seed-nodes", "127.0.0.1:7000", "c.conf"});
    assertEquals(0, actor.options().port());
    assertThrows(IllegalArgumentException.class, () -> NodeArgs.parse(new String[] {"--role", "actor", "c.conf"}));
    assertThrows(IllegalArgumentException.class,
        () -> NodeArgs.parse(new String[] {"--role", "actor", "--seed-nodes", "h:1", "--resume", "c.conf"}));
    assertThrows(IllegalArgumentException.class, () -> NodeArgs.parse(new String[] {"--role", "learner"}));
  }
}
