package dev.mnemo.learners.ald;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.rl2.ActorCriticSpec;
import dev.mnemo.agents.transformer.GtrxlTrunk;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.EnvSpec;
import org.junit.jupiter.api.Test;

/** {@link AldShapes}: the networks its sizes give for an env, and which actor each mode runs. */
class AldShapesTest {

  private static final EnvSpec IMAZE = EnvRegistry.spec("imaze?length=4&arm=1");

  @Test
  void theTransformerHasTheSizesGivenAndSegmentZeroMeansTheWholeEpisode() {
    GtrxlTrunk whole = new AldShapes(16, 2, 2, 8, 0, 32, 2.0, "lstm", 8).transformer(IMAZE).trunk();
    assertEquals(IMAZE.maxEpisodeSteps(), whole.segment());
    assertEquals(16, whole.width());
    assertEquals(2, whole.layers());
    assertEquals(8, whole.memory());
    assertEquals(5, new AldShapes(16, 1, 2, 0, 5, 32, 2.0, "lstm", 8).transformer(IMAZE).trunk().segment());
  }

  @Test
  void onlyModesWhereTheLstmActsHaveAnActorAndOnlyAldDistilsItsValue() {
    AldShapes shapes = new AldShapes(8, 1, 2, 0, 0, 16, 2.0, "gru", 12);
    assertNull(shapes.actor(IMAZE, AldLearner.Mode.TRANSFORMER_ONLY));
    ActorCriticSpec ald = shapes.actor(IMAZE, AldLearner.Mode.ALD);
    assertEquals("gru", ald.coreName());
    assertEquals(12, ald.coreSize());
    assertEquals(IMAZE.obsSize(), ald.inputSize());
    assertEquals(IMAZE.numActions(), ald.numActions());
    assertTrue(ald.separateValueNetwork(), "ALD's actor has its own value network, distilled from the learner's");
    assertFalse(shapes.actor(IMAZE, AldLearner.Mode.ASYMMETRIC).separateValueNetwork(),
        "the asymmetric actor's value head is never trained: a shared trunk");
  }
}
