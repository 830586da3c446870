package dev.mnemo.gymhttp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.envs.Step;
import org.junit.jupiter.api.Test;

/**
 * The client against replies in the Python gym-http-api server's own form (only {@code done}, Gym's
 * {@code info["TimeLimit.truncated"]}, Python's float text), served by {@link ScriptedGymServer}.
 */
class PythonServerFormatTest {

  @Test
  void doneIsATerminationUnlessInfoSaysTheTimeLimitCutTheEpisode() throws Exception {
    try (ScriptedGymServer s = new ScriptedGymServer()) {
      s.probe("{\"n\": 2, \"name\": \"Discrete\"}",
          "{\"high\": [4.8, 3.4028234663852886e+38, 0.41887903, 3.4028234663852886e+38], "
              + "\"low\": [-4.8, -3.4028234663852886e+38, -0.41887903, -3.4028234663852886e+38], "
              + "\"name\": \"Box\", \"shape\": [4]}")
          .then("POST", "/v1/envs/", 200, "{\"instance_id\": \"3c657dbc\"}")
          .then("POST", "/3c657dbc/reset/", 200,
              "{\"observation\": [0.012345678901234567, -0.04, 0.03, -1e-05]}")
          .then("POST", "/3c657dbc/step/", 200, "{\"done\": false, \"info\": {}, "
              + "\"observation\": [0.5, 0.25, -0.125, 2.0], \"reward\": 1.0}")
          .then("POST", "/3c657dbc/step/", 200, "{\"done\": true, \"info\": {\"TimeLimit.truncated\": true}, "
              + "\"observation\": [1, 2, 3, 4], \"reward\": 1.0}")
          .then("POST", "/3c657dbc/reset/", 200, "{\"observation\": [0.0, 0.0, 0.0, 0.0]}")
          .then("POST", "/3c657dbc/step/", 200, "{\"done\": true, \"info\": {\"extra\": [1, {\"a\": null}]}, "
              + "\"observation\": [9, 9, 9, 9], \"reward\": 0.0}")
          .then("POST", "/3c657dbc/close/", 204, "");
      GymHttpEnv env = GymHttpEnv.fromId("gym-http://" + s.uri().getAuthority() + "/CartPole-v1?maxSteps=500");
      assertArrayEquals(new int[] {4}, env.spec().obsShape());
      assertEquals(2, env.spec().numActions());
      assertEquals(500, env.spec().maxEpisodeSteps(), "maxSteps from the id");

      Step r = env.reset(42);
      assertArrayEquals(new float[] {0.012345678901234567f, -0.04f, 0.03f, -1e-05f}, r.obs);
      assertEquals("{\"seed\":42}", s.received.get(s.received.size() - 1).body(), "reset sends the seed");
      Step a = env.step(1);
      assertFalse(a.done());
      assertEquals(1f, a.reward);
      assertArrayEquals(new float[] {0.5f, 0.25f, -0.125f, 2f}, a.obs);
      Step b = env.step(0);
      assertTrue(b.truncated && !b.terminated, "done + TimeLimit.truncated is a truncation");
      assertEquals("{\"action\":0}", s.received.get(s.received.size() - 1).body());
      env.reset(43);
      Step c = env.step(1);
      assertTrue(c.terminated && !c.truncated, "done without TimeLimit.truncated is a termination");
      env.close();
      assertEquals(0, s.remaining(), "every scripted exchange was used, the working instance closed");
    }
  }

  @Test
  void discreteObservationsBecomeOneHotVectors() throws Exception {
    try (ScriptedGymServer s = new ScriptedGymServer()) {
      s.probe("{\"n\": 4, \"name\": \"Discrete\"}", "{\"n\": 16, \"name\": \"Discrete\"}")
          .then("POST", "/v1/envs/", 200, "{\"instance_id\": \"aa\"}")
          .then("POST", "/aa/reset/", 200, "{\"observation\": 0}")
          .then("POST", "/aa/step/", 200, "{\"done\": false, \"info\": {\"prob\": 0.3333333333333333}, "
              + "\"observation\": 4, \"reward\": 0.0}");
      GymHttpEnv env = GymHttpEnv.fromId("gym-http://" + s.uri().getAuthority() + "/FrozenLake-v1");
      assertEquals(16, env.spec().obsSize());
      assertEquals(1f, env.reset(0).obs[0]);
      Step t = env.step(2);
      float[] expected = new float[16];
      expected[4] = 1f;
      assertArrayEquals(expected, t.obs, "Discrete(16) observation 4 as one-hot");
    }
  }

  @Test
  void continuousActionSpacesAreRefusedNamingTheSpace() throws Exception {
    try (ScriptedGymServer s = new ScriptedGymServer()) {
      s.then("POST", "/v1/envs/", 200, "{\"instance_id\": \"0badf00d\"}")
          .then("GET", "/0badf00d/action_space/", 200,
              "{\"info\": {\"high\": [2.0], \"low\": [-2.0], \"name\": \"Box\", \"shape\": [1]}}")
          .then("POST", "/0badf00d/close/", 204, "");
      String m = assertThrows(IllegalArgumentException.class,
          () -> GymHttpEnv.fromId("gym-http://" + s.uri().getAuthority() + "/Pendulum-v1")).getMessage();
      assertTrue(m.contains("action space Box[1] is not supported") && m.contains("Pendulum-v1")
          && m.contains("Discrete"), m);
      assertEquals(0, s.remaining(), "the probe instance is closed even when its spaces are refused");
    }
  }

  @Test
  void aReplyMissingItsMembersIsReportedWithTheReply() throws Exception {
    try (ScriptedGymServer s = new ScriptedGymServer()) {
      s.probe("{\"n\": 2, \"name\": \"Discrete\"}", "{\"name\": \"Box\", \"shape\": [2]}")
          .then("POST", "/v1/envs/", 200, "{\"instance_id\": \"bb\"}")
          .then("POST", "/bb/reset/", 200, "{\"observation\": [1, 2]}")
          .then("POST", "/bb/step/", 200, "{\"observation\": [1, 2], \"reward\": 1.0}")
          .then("POST", "/bb/reset/", 200, "{\"observation\": [1, 2, 3]}");
      GymHttpEnv env = GymHttpEnv.fromId("gym-http://" + s.uri().getAuthority() + "/Two-v0");
      env.reset(0);
      GymHttpException e = assertThrows(GymHttpException.class, () -> env.step(0));
      assertTrue(e.getMessage().contains("needs 'observation', 'reward' and 'done'")
          && e.getMessage().contains("instance bb") && e.getMessage().contains("\"reward\": 1.0"), e.getMessage());
      e = assertThrows(GymHttpException.class, () -> env.reset(1));
      assertTrue(e.getMessage().contains("observation larger than the declared 2 floats"), e.getMessage());
    }
  }
}
