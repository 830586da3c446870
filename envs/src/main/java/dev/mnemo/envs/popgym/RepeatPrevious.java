package dev.mnemo.envs.popgym;

import dev.mnemo.envs.BaseEnv;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Step;

/**
 * POPGym RepeatPrevious: cards are dealt one per step; at step t (1-based) the agent must name the suit
 * of card {@code t − k}, where card 0 is the one shown at reset and card j the one shown after step j
 * (so the target is the observation {@code k − 1} steps before the current one). Steps before
 * {@code t = k} pay nothing; later ones pay {@code ±1/(52·decks − k)}, so the optimal return is 1.
 * Observation: current suit one-hot (4). Levels: (decks, k) = (1, 4), (2, 32), (3, 64).
 */
public final class RepeatPrevious extends BaseEnv {
  private final Deck deck;
  private final int k;
  private final float scale;

  public RepeatPrevious(Difficulty level) {
    this("popgym/RepeatPrevious-" + level.label(), level.pick(1, 2, 3), level.pick(4, 32, 64));
  }

  public RepeatPrevious(String id, int numDecks, int k) {
    super(EnvSpec.flat(id, Deck.SUITS, Deck.SUITS, Deck.DECK_SIZE * requirePositive("num_decks", numDecks) - 1));
    this.deck = new Deck(numDecks, Deck.Face.SUIT);
    if (k < 1 || k >= deck.size()) {
      throw new IllegalArgumentException("RepeatPrevious k must be in [1, " + deck.size() + "), got " + k);
    }
    this.k = k;
    this.scale = 1f / (deck.size() - k);
  }

  public int k() {
    return k;
  }

  @Override
  protected void onReset(float[] obs) {
    deck.shuffle(rng);
    oneHot(obs, 0, Deck.SUITS, deck.deal());
  }

  @Override
  protected void onStep(int action, Step out) {
    onStepInto(action, out, out.obs, 0);
  }

  @Override
  protected void onStepInto(int action, Step out, float[] obs, int off) {
    out.terminated = deck.remaining() == 1;
    int hand = deck.dealtCount();
    if (hand >= k) {
      out.reward = matchReward(action, deck.dealtFace(hand - k), scale);
    }
    oneHot(obs, off, Deck.SUITS, deck.deal());
  }
}
