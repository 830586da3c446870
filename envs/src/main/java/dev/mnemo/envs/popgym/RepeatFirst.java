package dev.mnemo.envs.popgym;

import dev.mnemo.envs.BaseEnv;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Step;

/**
 * POPGym RepeatFirst: cards are dealt one per step and the agent must name, at every step, the suit
 * of the FIRST card of the episode. Observation: the current card's suit, one-hot (4). Actions: a
 * suit. Episodes last {@code 52·decks − 1} steps; each step pays {@code ±1/(52·decks − 1)}, so returns
 * lie in [−1, 1] and the optimal return is 1. Levels: 1, 8, 16 decks.
 */
public final class RepeatFirst extends BaseEnv {
  private final Deck deck;
  private final float scale;
  private int first;

  public RepeatFirst(Difficulty level) {
    this("popgym/RepeatFirst-" + level.label(), level.pick(1, 8, 16));
  }

  public RepeatFirst(String id, int numDecks) {
    super(EnvSpec.flat(id, Deck.SUITS, Deck.SUITS, Deck.DECK_SIZE * requirePositive("num_decks", numDecks) - 1));
    this.deck = new Deck(numDecks, Deck.Face.SUIT);
    this.scale = 1f / (deck.size() - 1);
  }

  @Override
  protected void onReset(float[] obs) {
    deck.shuffle(rng);
    first = deck.deal();
    oneHot(obs, 0, Deck.SUITS, first);
  }

  @Override
  protected void onStep(int action, Step out) {
    onStepInto(action, out, out.obs, 0);
  }

  @Override
  protected void onStepInto(int action, Step out, float[] obs, int off) {
    out.reward = matchReward(action, first, scale);
    out.terminated = deck.remaining() == 1;
    oneHot(obs, off, Deck.SUITS, deck.deal());
  }
}
